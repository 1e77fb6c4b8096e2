package dev.llmgateway.routing;

/**
 * How one kind of backend is asked. An adapter turns an {@link Attempt} into an {@link UpstreamCall}
 * whose answer is the backend's status, headers and body in the client's API (passed through, or
 * translated); a failure before that is an {@link AttemptFailure} saying whether trying elsewhere
 * makes sense. Adapters never write to the client: errors are rendered once, at the edge.
 */
interface BackendAdapter {

  UpstreamCall call(Attempt attempt);
}
