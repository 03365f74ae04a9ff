/**
 * The Azure credential the worker signs in with, for Graph ({@code GRAPH_AUTH=azure}) and Service
 * Bus ({@code SERVICEBUS_NAMESPACE}): chosen once from the environment, without a network call, and
 * explained in one line when it gives no token.
 */
package dev.offboarding.worker.identity;
