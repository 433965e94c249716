// Package jetstream runs routigen flows durably across processes over NATS
// JetStream.
package jetstream
