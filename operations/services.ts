/**
 * What runs in a stack, service by service, as `ade status` shows it. Pure:
 * the containers runtime reads it from `docker inspect` (cli/inspect.ts); a
 * runtime with tasks maps its own records to the same `ServiceState`.
 */

export type ServiceHealth = "healthy" | "unhealthy" | "starting" | "none";

export interface ServiceState {
    /** The `ade.service` label: `api`, `postgres`, ... */
    readonly service: string;
    /** The Docker name of what runs it. */
    readonly name: string;
    /** `running`, `exited`, `restarting`, ..., or `missing`: the stack's last update made it, and it is gone. */
    readonly state: string;
    readonly health: ServiceHealth;
    /** When it last started (ISO 8601), if it ever did. */
    readonly startedAt: string | undefined;
    readonly exitCode: number | undefined;
    readonly restarts: number;
    /** The application release it runs (`ade.version` label), when it is one of the application's services. */
    readonly version: string | undefined;
}

/** The part of one `docker inspect` object read here. */
interface Inspected {
    Name?: string;
    RestartCount?: number;
    State?: { Status?: string; StartedAt?: string; ExitCode?: number; Health?: { Status?: string } };
    Config?: { Labels?: Record<string, string> | null };
    HostConfig?: { RestartPolicy?: { Name?: string } };
}

const NEVER = "0001-01-01T00:00:00Z";

/**
 * The stack's long-running services from `docker inspect` output (a JSON
 * array), by service name. Containers that run once (the ones that copy a
 * service's files onto its volume: restart policy `no`, and no Swarm task,
 * whose containers Swarm restarts itself) are left out.
 */
export function servicesFromInspect(json: string): ServiceState[] {
    const inspected = JSON.parse(json) as Inspected[];
    return inspected
        // Docker names "no restart policy" both "no" and "".
        .filter((c) => !["no", ""].includes(c.HostConfig?.RestartPolicy?.Name ?? "") || c.Config?.Labels?.["com.docker.swarm.task.id"] !== undefined)
        .map((c): ServiceState => {
            const labels = c.Config?.Labels ?? {};
            const status = c.State?.Status ?? "unknown";
            const startedAt = c.State?.StartedAt;
            const health = c.State?.Health?.Status;
            return {
                service: labels["ade.service"] ?? (c.Name ?? "").replace(/^\//, ""),
                name: (c.Name ?? "").replace(/^\//, ""),
                state: status,
                health: health === "healthy" || health === "unhealthy" || health === "starting" ? health : "none",
                startedAt: startedAt === undefined || startedAt === NEVER ? undefined : startedAt,
                exitCode: status === "running" ? undefined : c.State?.ExitCode,
                restarts: c.RestartCount ?? 0,
                version: labels["ade.version"],
            };
        })
        .sort((a, b) => a.service.localeCompare(b.service));
}

/**
 * Services the stack's last update made (by Docker name, `<prefix><service>`)
 * of which nothing runs any more, as `missing`. Matched by service: a Swarm
 * service's containers are its tasks, named after it.
 */
export function withMissing(found: readonly ServiceState[], expectedNames: readonly string[], prefix: string): ServiceState[] {
    const services = new Set(found.map((s) => s.service));
    const missing = expectedNames
        .filter((n) => !services.has(n.startsWith(prefix) ? n.slice(prefix.length) : n))
        .map((name): ServiceState => ({
            service: name.startsWith(prefix) ? name.slice(prefix.length) : name,
            name,
            state: "missing",
            health: "none",
            startedAt: undefined,
            exitCode: undefined,
            restarts: 0,
            version: undefined,
        }));
    return [...found, ...missing].sort((a, b) => a.service.localeCompare(b.service));
}

/** Whether a service is as it should be: running, and healthy when it has a healthcheck. */
export function isServing(s: ServiceState): boolean {
    return s.state === "running" && (s.health === "healthy" || s.health === "none");
}
