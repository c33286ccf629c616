/**
 * A control API body that cannot be carried out (a fault, a clock move), with a message for the operator who sent
 * it. The domain knows no HTTP: the admin routes answer it as their 400.
 */
export class ControlRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ControlRequestError';
  }
}
