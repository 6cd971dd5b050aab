/**
 * Host ports across the stacks of one project. The stacks share a Docker host
 * (README: three stacks side by side), so a port one stack publishes must not
 * be published by another on an overlapping address. Pure: the stacks' values
 * come from `config/siblings.ts` (the program) or the stack files (`ade`).
 */
import { printable } from "../core/text";
import { publishedPorts, StackConfig, stackConfigSchema } from "./schema";

const LOOPBACK = "127.0.0.1";
const ANY = "0.0.0.0";

/** One host port a stack publishes: the config path that sets it, the port and the host address. */
export interface Binding {
    readonly key: string;
    readonly port: number;
    readonly address: string;
}

/** Another stack of the project, by its non-secret values (keys without the project prefix). */
export interface OtherStack {
    readonly stack: string;
    readonly values: Readonly<Record<string, unknown>>;
}

/** Every host port the stack publishes, with the address it binds (the database and its admin tool bind loopback). */
export function publishedBindings(c: Pick<StackConfig, "services" | "database" | "monitoring" | "debug">): Binding[] {
    const address: Record<string, string> = {
        "monitoring.prometheus.hostPort": c.monitoring.prometheus.bindAddress,
        "monitoring.grafana.hostPort": c.monitoring.grafana.bindAddress,
        ...Object.fromEntries(Object.entries(c.services).map(([name, s]) => [`services.${name}.hostPort`, s.bindAddress])),
    };
    return publishedPorts(c).map(([key, port]) => ({ key, port, address: address[key] ?? LOOPBACK }));
}

/**
 * The host ports a stack's raw values publish. A stack whose config does not
 * validate still has containers from its last update: its ports are read as
 * far as they are numbers, so a broken file does not hide them.
 */
export function valuesBindings(values: Readonly<Record<string, unknown>>): Binding[] {
    const parsed = stackConfigSchema.safeParse(values);
    if (parsed.success) return publishedBindings(parsed.data);
    const found: Binding[] = [];
    const add = (key: string, node: unknown, addressNode?: unknown) => {
        const port = isPlainObject(node) ? node["hostPort"] : undefined;
        if (typeof port !== "number") return;
        const address = isPlainObject(addressNode) && typeof addressNode["bindAddress"] === "string" ? addressNode["bindAddress"] : LOOPBACK;
        found.push({ key, port, address });
    };
    const services = values["services"];
    if (isPlainObject(services)) for (const [name, s] of Object.entries(services)) add(`services.${name}.hostPort`, s, s);
    add("database.hostPort", values["database"]);
    const monitoring = values["monitoring"];
    if (isPlainObject(monitoring)) {
        add("monitoring.prometheus.hostPort", monitoring["prometheus"], monitoring["prometheus"]);
        add("monitoring.grafana.hostPort", monitoring["grafana"], monitoring["grafana"]);
        // Always on loopback.
        add("monitoring.alertmanager.hostPort", monitoring["alertmanager"]);
    }
    const debug = values["debug"];
    const dbAdmin = isPlainObject(debug) ? debug["dbAdmin"] : undefined;
    if (isPlainObject(dbAdmin) && dbAdmin["enabled"] === true) add("debug.dbAdmin.hostPort", dbAdmin);
    return found;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
    return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Whether two bindings of one port collide: the same address, or either one on every address. */
function overlaps(a: string, b: string): boolean {
    return a === b || a === ANY || b === ANY;
}

/** One line per host port of `mine` (the stack's bindings) that another stack of the project publishes too. */
export function crossStackPortClashes(stack: string, mine: readonly Binding[], others: readonly OtherStack[]): string[] {
    const problems: string[] = [];
    const theirs = others.filter((o) => o.stack !== stack).map((o) => ({ stack: o.stack, bindings: valuesBindings(o.values) }));
    for (const binding of mine) {
        for (const other of theirs) {
            const clash = other.bindings.find((b) => b.port === binding.port && overlaps(b.address, binding.address));
            if (clash === undefined) continue;
            problems.push(
                `${binding.key}: port ${binding.port} is already published by stack ${printable(other.stack)} (${printable(clash.key)} on ${printable(clash.address)}); the project's stacks share one Docker host: ` +
                    `choose a free port with: pulumi config set --path ${binding.key} <port> --stack ${printable(stack)}`,
            );
            break;
        }
    }
    return problems;
}
