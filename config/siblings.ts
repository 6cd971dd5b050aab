/**
 * The project's other stacks as their files hold them, for the checks that
 * look across stacks (host ports). The program reads them at preview
 * (config/load.ts); `ade` reads them the same way, through this function.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { readTextFile } from "../core/files";
import type { OtherStack } from "./ports";
import { parseConfigValue } from "./validate";

export interface SiblingStacks {
    readonly stacks: readonly OtherStack[];
    /** Stack files that could not be read, with why: the checks ran without them. */
    readonly unreadable: readonly string[];
}

/** Every `Pulumi.<stack>.yaml` in `root` but `stack`'s own, as non-secret values without the `<project>:` prefix. */
export function readSiblingStacks(root: string, project: string, stack: string): SiblingStacks {
    const stacks: OtherStack[] = [];
    const unreadable: string[] = [];
    let names: string[];
    try {
        names = fs.readdirSync(root);
    } catch {
        return { stacks, unreadable: [`${root}: the project folder cannot be listed`] };
    }
    for (const name of names.sort()) {
        const other = /^Pulumi\.(.+)\.yaml$/.exec(name)?.[1];
        if (other === undefined || other === stack) continue;
        try {
            const data = parse(readTextFile(path.join(root, name)), { maxAliasCount: 100 }) as unknown;
            const config = isObject(data) ? data["config"] : undefined;
            const values: Record<string, unknown> = {};
            for (const [key, value] of Object.entries(isObject(config) ? config : {})) {
                if (!key.startsWith(`${project}:`) || (isObject(value) && "secure" in value)) continue;
                const bare = key.slice(project.length + 1);
                values[bare] = typeof value === "string" ? parseConfigValue(bare, value) : value;
            }
            stacks.push({ stack: other, values });
        } catch (error) {
            unreadable.push(`${name}: ${(error as Error).message.split("\n")[0] ?? ""}`);
        }
    }
    return { stacks, unreadable };
}

function isObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}
