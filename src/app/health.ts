/**
 * The detector's health, apart from the parts it watches: start steps mark themselves done, and
 * /healthz (live) and /readyz (ready) answer from what is marked. Ready means Cassandra's schema
 * is applied, the topics exist and the consumer joined its group, and no stop or crash is under way.
 */
import type { HealthReport } from "../observability/http.js";

export class DetectorHealth {
  cassandra = false;
  topics = false;
  joined = false;
  stopping = false;
  /** The consumer's crash kafkajs will not restart; undefined while none happened. */
  crashed: unknown = undefined;

  /** What the HTTP server answers on /healthz and /readyz. */
  report(): HealthReport {
    return {
      live: this.crashed === undefined,
      ready:
        this.cassandra &&
        this.topics &&
        this.joined &&
        !this.stopping &&
        this.crashed === undefined,
      details: {
        cassandra: this.cassandra,
        topics: this.topics,
        joinedGroup: this.joined,
        stopping: this.stopping,
      },
    };
  }
}
