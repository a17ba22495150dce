/**
 * Checks at start that the brokers accept the configured credentials and present a trusted
 * certificate, with a quiet client (no log lines), and turns a refusal into one sentence that
 * names the setting to fix.
 */
import { unreachableError, untrustedCertificateError } from "../config/access-errors.js";
import { GeoAnomalyError, describeError } from "../errors.js";
import { createKafka } from "./client.js";

type KafkaAccessConfig = Parameters<typeof createKafka>[0];

/** A product error for a failed first contact, or undefined when it is not about access. */
export function kafkaAccessError(
  err: unknown,
  config: KafkaAccessConfig,
): GeoAnomalyError | undefined {
  const text = describeError(err);
  const name = (err as { name?: unknown }).name;
  const brokers = config.kafkaBrokers.join(",");
  if (name === "KafkaJSSASLAuthenticationError" || /SASL .*authentication failed/i.test(text)) {
    return new GeoAnomalyError(
      "AUTH_FAILED",
      `Kafka at ${brokers} rejected the login of user ${JSON.stringify(config.kafkaUsername)} ` +
        `(${config.kafkaSaslMechanism}): check KAFKA_USERNAME, KAFKA_PASSWORD and KAFKA_SASL_MECHANISM`,
    );
  }
  return untrustedCertificateError(err, "kafka", config);
}

/** One metadata request through a quiet client; throws a one-line product error on refusal. */
export async function verifyKafkaAccess(config: KafkaAccessConfig): Promise<void> {
  const admin = createKafka(config, undefined, "-access-check").admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } catch (err) {
    throw kafkaAccessError(err, config) ?? unreachableError(err, "kafka", config);
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
