/**
 * Checks at start that the brokers accept the configured credentials and present a trusted
 * certificate, with a quiet client (no log lines), and turns a refusal into one sentence that
 * names the setting to fix.
 */
import { withoutSecrets } from "../config/load.js";
import { GeoAnomalyError, describeError, tlsVerifyReason } from "../errors.js";
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
  const tls = tlsVerifyReason(err);
  if (tls !== undefined) {
    return new GeoAnomalyError(
      "TLS_FAILED",
      `Kafka at ${brokers} presented a certificate that is not trusted (${tls}): ` +
        (config.kafkaCaFile === ""
          ? "set KAFKA_CA_FILE to the CA that signed it"
          : `KAFKA_CA_FILE (${config.kafkaCaFile}) is not the CA that signed it`),
    );
  }
  return undefined;
}

/** One metadata request through a quiet client; throws a one-line product error on refusal. */
export async function verifyKafkaAccess(config: KafkaAccessConfig): Promise<void> {
  const admin = createKafka(config, undefined, "-access-check").admin();
  try {
    await admin.connect();
    await admin.listTopics();
  } catch (err) {
    const access = kafkaAccessError(err, config);
    if (access !== undefined) throw access;
    const hint = config.kafkaTls
      ? "is KAFKA_TLS right for these brokers?"
      : "if the brokers require TLS, set KAFKA_TLS=true";
    throw new GeoAnomalyError(
      "BUS_PUBLISH_FAILED",
      withoutSecrets(
        `could not talk to Kafka at ${config.kafkaBrokers.join(",")} (KAFKA_BROKERS): ${describeError(err)}; ${hint}`,
        config,
      ),
      { cause: err, retriable: true },
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
}
