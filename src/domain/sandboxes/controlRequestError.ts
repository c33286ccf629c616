/**
 * A control API body that cannot be carried out (a fault, a clock move), with a message for the operator who sent
 * it. The domain knows no HTTP: the admin routes answer it as their 400.
 */
export class ControlRequestError extends Error {
  /** The body member the message is about, when it is about one (a form shows the message beside that field). */
  readonly member: string | null;

  constructor(message: string, member: string | null = null) {
    super(message);
    this.name = 'ControlRequestError';
    this.member = member;
  }
}

/**
 * What `read` gives (a value or a promise), a ControlRequestError it throws becoming `refusal(message)`: each caller
 * words a refused control request its own way (the control API's 400, the CLI's usage error).
 */
export function refusedAs<T>(read: () => T, refusal: (message: string) => Error): T {
  const refused = (error: unknown): never => {
    throw error instanceof ControlRequestError ? refusal(error.message) : error;
  };
  try {
    const value = read();
    return (value instanceof Promise ? value.catch(refused) : value) as T;
  } catch (error) {
    return refused(error);
  }
}
