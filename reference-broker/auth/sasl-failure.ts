/**
 * A refused authentication. Kafka tells the client the mechanism's own message only when the
 * mechanism threw a `SaslAuthenticationException` (e.g. PLAIN's "Invalid username or password");
 * for any other `SaslException` (an unknown SCRAM user, a wrong SCRAM proof, a token that does not
 * parse) it sends a fixed message, so the answer never says whether a user exists.
 */
export class SaslFailure extends Error {
  /** True when `message` goes to the client as it is. */
  readonly visible: boolean;

  constructor(message: string, visible: boolean) {
    super(message);
    this.name = 'SaslFailure';
    this.visible = visible;
  }

  /** The errorMessage of the SaslAuthenticate answer, as SaslServerAuthenticator builds it. */
  clientMessage(mechanism: string): string {
    return this.visible
      ? this.message
      : `Authentication failed during authentication due to invalid credentials with SASL mechanism ${mechanism}`;
  }
}
