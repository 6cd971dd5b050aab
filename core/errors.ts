/**
 * A problem the user can fix (bad input, unknown stack, failed verification):
 * printed without a stack trace, exit code 1. Anything else is a bug in `ade`
 * and is printed with its trace, exit code 2.
 */
export class UserError extends Error {
    constructor(message: string) {
        super(message);
        this.name = "UserError";
    }
}
