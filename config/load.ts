/**
 * Reads the current stack's Pulumi config into a validated `StackConfig`, the
 * secrets as `pulumi.Output`s, and the images it runs on this machine (after
 * the machine's image mirrors). The only place that touches `pulumi.Config`.
 */
import * as pulumi from "@pulumi/pulumi";
import * as runtimeConfig from "@pulumi/pulumi/runtime/config";
import { SOURCE_ROOT } from "../core/paths";
import { readImageMirrors, StackImage, stackImages } from "./imageMirrors";
import { OPTIONAL_SECRET_KEY_NAMES, OptionalSecretKey, SECRET_KEY_NAMES, SecretKey, StackConfig } from "./schema";
import { readSiblingStacks } from "./siblings";
import { formatProblems, parseConfigValue, validateStackConfig } from "./validate";

/** The stack's secrets, each a secret Output: every required one, and the optional ones the stack has. */
export type Secrets = Record<SecretKey, pulumi.Output<string>> & Partial<Record<OptionalSecretKey, pulumi.Output<string>>>;

export interface LoadedConfig {
    readonly config: StackConfig;
    readonly secrets: Secrets;
    /** Every image the stack runs, by the config key that names it. */
    readonly images: readonly StackImage[];
}

/** Throws a `pulumi.RunError` listing every problem when the stack's config is invalid. */
export function loadStackConfig(): LoadedConfig {
    const project = pulumi.getProject();
    const stack = pulumi.getStack();
    const prefix = `${project}:`;
    const values: Record<string, unknown> = {};
    const secretNames = new Set<string>();
    for (const [fullKey, text] of Object.entries(pulumi.runtime.allConfig())) {
        if (!fullKey.startsWith(prefix)) continue;
        const key = fullKey.slice(prefix.length);
        // Secret values are only ever read below, as secret Outputs.
        if ([...SECRET_KEY_NAMES, ...OPTIONAL_SECRET_KEY_NAMES].some((k) => k === key) && isSecret(fullKey)) {
            secretNames.add(key);
        } else {
            values[key] = parseConfigValue(key, text);
        }
    }
    // The other stack files, for the host ports they publish: the stacks share one Docker host.
    const siblings = readSiblingStacks(SOURCE_ROOT, project, stack);
    for (const file of siblings.unreadable) void pulumi.log.warn(`host ports not checked against ${file}`);
    const result = validateStackConfig(stack, { values, secrets: secretNames }, { otherStacks: siblings.stacks });
    if (!result.ok) throw new pulumi.RunError(formatProblems(stack, result.problems));

    const config = new pulumi.Config(project);
    const present = [...SECRET_KEY_NAMES, ...OPTIONAL_SECRET_KEY_NAMES.filter((k) => secretNames.has(k))];
    const secrets = Object.fromEntries(present.map((k) => [k, config.requireSecret(k)])) as Secrets;
    const mirrors = readImageMirrors();
    if (!mirrors.ok) throw new pulumi.RunError(mirrors.problem);
    return { config: result.config, secrets, images: stackImages(result.config, mirrors.mirrors) };
}

/**
 * Whether the stack stores the key as a secret (`secure:`). The SDK marks this
 * helper internal, but nothing public tells a plain value from a secret.
 */
function isSecret(fullKey: string): boolean {
    return (runtimeConfig as unknown as { isConfigSecret(key: string): boolean }).isConfigSecret(fullKey);
}
