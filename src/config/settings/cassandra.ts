import { z } from "zod";
import { cqlName, hostPorts, spec } from "./spec.js";

/** The Cassandra side: contact points, data centre, keyspace, replication, consistency and login. */
export const CASSANDRA_SETTINGS = {
  cassandraContactPoints: spec(
    "CASSANDRA_CONTACT_POINTS",
    "cassandra-contact-points",
    "127.0.0.1:9042",
    hostPorts,
    "Cassandra contact points, comma-separated host[:port]",
  ),
  cassandraLocalDc: spec(
    "CASSANDRA_LOCAL_DC",
    "cassandra-local-dc",
    "datacenter1",
    z.string().min(1),
    "Cassandra local datacenter (load balancing)",
  ),
  cassandraKeyspace: spec(
    "CASSANDRA_KEYSPACE",
    "cassandra-keyspace",
    "geoanomaly",
    cqlName,
    "keyspace holding one table per geohash length",
  ),
  cassandraReplication: spec(
    "CASSANDRA_REPLICATION",
    "cassandra-replication",
    "SimpleStrategy:1",
    z
      .string()
      .regex(
        /^(SimpleStrategy:\d+|NetworkTopologyStrategy:([A-Za-z0-9_-]+=\d+)(,[A-Za-z0-9_-]+=\d+)*)$/,
        "must be SimpleStrategy:N or NetworkTopologyStrategy:dc=N[,dc=N]",
      ),
    "keyspace replication used by 'schema apply'",
  ),
  cassandraConsistency: spec(
    "CASSANDRA_CONSISTENCY",
    "cassandra-consistency",
    "localQuorum",
    z.enum(["one", "localOne", "localQuorum", "quorum", "all"]),
    "consistency level of writes and reads",
  ),
  cassandraUsername: spec(
    "CASSANDRA_USERNAME",
    "cassandra-username",
    "",
    z.string(),
    "Cassandra user (empty: no authentication)",
  ),
  cassandraPassword: spec(
    "CASSANDRA_PASSWORD",
    "cassandra-password",
    "",
    z.string(),
    "Cassandra password",
    true,
  ),
} as const;
