package dev.llmgateway.process;

/**
 * A child that cannot be started at all (missing model file or executable): retrying will not help
 * until the user acts, so the model goes straight to {@code failed} with this message.
 */
final class LaunchException extends Exception {

  LaunchException(String message) {
    super(message, null, false, false);
  }
}
