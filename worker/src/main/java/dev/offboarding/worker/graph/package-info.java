/**
 * The Microsoft Graph adapters over the SDK v6: directory reads, the two writes, token handling,
 * and the translation of every Graph answer into the domain's failure taxonomy.
 */
package dev.offboarding.worker.graph;
