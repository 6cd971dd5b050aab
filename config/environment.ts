/**
 * Which environment a stack is. The stack's name decides it, not a config
 * value: a stack called production is production, whatever `<project>:environment`
 * says, so no config edit can turn production's rules off. A stack with
 * another name must map itself to an environment explicitly, and its name
 * limits the mapping: a name that says production cannot be mapped to a laxer
 * environment. Pure: the program (config/load.ts) and every `ade` command call
 * it through `validateStackConfig`.
 */
import { printable } from "../core/text";
import { ENVIRONMENTS, Environment } from "./schema";

export type EnvironmentChoice = { readonly ok: true; readonly environment: Environment } | { readonly ok: false; readonly problem: string };

/** Words in a stack name that say which environment it is. */
const NAME_WORDS: Readonly<Record<Environment, readonly string[]>> = {
    production: ["prod", "production", "prd", "live"],
    testing: ["test", "tests", "testing", "stage", "staging", "qa", "uat", "preprod", "ci"],
    development: ["dev", "develop", "development", "local", "sandbox"],
};

/** The strictest environment the stack's name speaks of, or undefined when it names none. */
export function environmentNamedBy(stack: string): Environment | undefined {
    const words = stack.toLowerCase().split(/[^a-z]+/);
    // Strictest first: "prod-test" is held to production's rules.
    for (const environment of [...ENVIRONMENTS].reverse()) {
        if (NAME_WORDS[environment].some((w) => words.includes(w))) return environment;
    }
    return undefined;
}

/**
 * The environment of `stack`, given the raw `<project>:environment` value its
 * config holds (`undefined` when it has none), or the one-line problem that stops it.
 */
export function environmentForStack(stack: string, configured: unknown): EnvironmentChoice {
    const name = printable(stack);
    const set = (environment: string) => `pulumi config set environment ${environment} --stack ${name}`;
    if ((ENVIRONMENTS as readonly string[]).includes(stack)) {
        const environment = stack as Environment;
        if (configured === undefined || configured === environment) return { ok: true, environment };
        return {
            ok: false,
            problem: `environment: stack "${name}" is the ${environment} environment, its name decides that (got ${showConfigured(configured)}): set it back with: ${set(environment)}`,
        };
    }
    if (configured === undefined) {
        return {
            ok: false,
            problem: `environment: stack "${name}" is not named development, testing or production, so its config must say which one it is: ${set(environmentNamedBy(stack) ?? "<development|testing|production>")}`,
        };
    }
    if (typeof configured !== "string" || !(ENVIRONMENTS as readonly string[]).includes(configured)) {
        return { ok: false, problem: `environment: must be one of ${ENVIRONMENTS.join(", ")} (got ${showConfigured(configured)})` };
    }
    const environment = configured as Environment;
    const named = environmentNamedBy(stack);
    if (named !== undefined && ENVIRONMENTS.indexOf(environment) < ENVIRONMENTS.indexOf(named)) {
        return {
            ok: false,
            problem: `environment: stack "${name}" says ${named} in its name and cannot be mapped to the laxer ${environment} (got "${environment}"): ${set(named)}, or give the stack a name that does not say ${named}`,
        };
    }
    return { ok: true, environment };
}

function showConfigured(value: unknown): string {
    return typeof value === "string" ? `"${printable(value)}"` : printable(JSON.stringify(value) ?? String(value));
}
