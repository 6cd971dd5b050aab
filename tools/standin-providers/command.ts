/**
 * STAND-IN for the `command` resource plugin (1.2.1) where the real one cannot
 * be built (see README: "Known limitation"). It implements `command:local:Command`
 * as this project uses it: `create`/`update`/`delete` run with `/bin/sh -c`
 * and the given `environment` and `dir`; `stdout`/`stderr` are outputs; a
 * non-zero exit fails the step with what the command printed; a change of
 * `triggers` replaces the resource (running `create` again).
 */
import * as provider from "@pulumi/pulumi/provider";
import { changedKeys, CommandError, plain, Props, resourceType, run } from "./common";

const VERSION = "1.2.1";

interface CommandInputs {
    readonly create?: string;
    readonly update?: string;
    readonly delete?: string;
    readonly environment?: Record<string, string>;
    readonly dir?: string;
}

async function sh(script: string, inputs: CommandInputs): Promise<{ stdout: string; stderr: string }> {
    try {
        const stdout = await run("/bin/sh", ["-c", script], inputs.environment ?? {}, undefined, inputs.dir);
        return { stdout, stderr: "" };
    } catch (error) {
        if (error instanceof CommandError) {
            throw new Error(`command failed: ${script}\n${[error.stderr, error.stdout].filter(Boolean).join("\n")}`);
        }
        throw error;
    }
}

function local(urn: string): void {
    if (resourceType(urn) !== "Command") throw new Error(`the command stand-in implements only command:local:Command, not ${urn}`);
}

const standIn: provider.Provider = {
    version: VERSION,
    getSchema: () => Promise.resolve(JSON.stringify({ name: "command", version: VERSION })),
    diff(_id, _urn, olds: Props, news: Props) {
        const changed = changedKeys(olds, news, ["stdout", "stderr"]);
        return Promise.resolve({ changes: changed.length > 0, replaces: changed.includes("triggers") ? ["triggers"] : [] });
    },
    async create(urn, inputs: Props) {
        local(urn);
        const v = plain(inputs) as CommandInputs;
        const out = v.create === undefined ? { stdout: "", stderr: "" } : await sh(v.create, v);
        return { id: `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 8)}`, outs: { ...inputs, ...out } };
    },
    async update(_id, urn, _olds, news: Props) {
        local(urn);
        const v = plain(news) as CommandInputs;
        const script = v.update ?? v.create;
        const out = script === undefined ? { stdout: "", stderr: "" } : await sh(script, v);
        return { outs: { ...news, ...out } };
    },
    async delete(_id, urn, props: Props) {
        local(urn);
        const v = plain(props) as CommandInputs;
        if (v.delete !== undefined) await sh(v.delete, v);
    },
};

void provider.main(standIn, process.argv.slice(2));
