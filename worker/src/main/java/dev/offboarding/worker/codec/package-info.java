/** Wire formats of the worker's own messages (continuations, cancellation markers), kept out of the stage packages. */
package dev.offboarding.worker.codec;
