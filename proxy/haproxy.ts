/**
 * The swarm runtime's entry: one HAProxy that publishes every service's host
 * port and reaches its tasks through Swarm's DNS (`tasks.<service>`), so
 * replicas come and go behind a port that never moves. Pure: the config text
 * from what each service needs.
 */

/** One service reached through the proxy. */
export interface ProxiedService {
    /** The service's DNS name on the stack's network (`tasks.<name>` resolves to its tasks). */
    readonly name: string;
    /** Port the service's tasks listen on. */
    readonly port: number;
    /** Port the proxy publishes it on (inside and outside its container). */
    readonly hostPort: number;
    /** HTTP path that answers 200 while a task should get requests (readiness). */
    readonly checkPath: string;
    /**
     * HTTP path that answers 200 while a task serves at all, draining or not
     * ready included (liveness). When no task is ready, requests go to the
     * live ones instead of failing at the proxy (Envoy calls this panic
     * routing): during an update, the old tasks drain while the new ones
     * may still be unknown to this node's DNS.
     */
    readonly liveCheckPath?: string;
}

export interface ProxyConfigArgs {
    readonly services: readonly ProxiedService[];
    /**
     * Tasks of one service the proxy can hold at once: during an update, the
     * new tasks beside the old ones it keeps while they drain (`hold obsolete`).
     */
    readonly maxTasksPerService: number;
}

/** Port of the proxy's own metrics (/metrics) and health (/healthz), on the stack's network only. */
export const PROXY_STATS_PORT = 8405;

/** Methods a retry cannot run twice by mistake. */
const IDEMPOTENT = "GET HEAD PUT DELETE OPTIONS TRACE";

export function haproxyConfig(args: ProxyConfigArgs): string {
    const lines = [
        "global",
        "  log stdout format raw local0",
        "",
        "defaults",
        "  mode http",
        "  log global",
        // One JSON object per request, like the application's own log lines.
        `  log-format '{"time":"%tr","client":"%ci","frontend":"%f","backend":"%b","server":"%s","method":"%HM","path":"%{+E}HPO","status":%ST,"duration_ms":%Ta,"retries":%rc}'`,
        // Tasks are on this host or a LAN away: a connect that takes longer goes to a task that is gone.
        "  timeout connect 1s",
        "  timeout client 60s",
        "  timeout server 60s",
        "  timeout http-keep-alive 10s",
        // A check may take this long on a loaded host before it counts as failed (inter, 1 s, otherwise).
        "  timeout check 2s",
        // Connections that never sent a request (the container's TCP healthcheck) are not logged.
        "  option dontlognull",
        // An idempotent request whose connection failed goes once more, to another task.
        "  retries 1",
        "  retry-on conn-failure empty-response",
        "  option redispatch 1",
        "",
        "resolvers docker",
        "  nameserver dns 127.0.0.11:53",
        "  accepted_payload_size 8192",
        "  hold valid 1s",
        // A task Swarm's DNS no longer lists stays while it answers its checks: Swarm drops a stopping task
        // from DNS 2 s before it drains, and the manager's DNS learns of a replacement on another node through
        // gossip (9-17 s after its predecessor began to drain, on a loaded host). Longer than the longest drain (swarm.drainSeconds <= 30).
        "  hold obsolete 40s",
        "  timeout resolve 1s",
        "",
        "frontend stats",
        `  bind :${PROXY_STATS_PORT}`,
        "  http-request use-service prometheus-exporter if { path /metrics }",
        '  http-request return status 200 content-type text/plain string "ok\\n" if { path /healthz }',
    ];
    for (const s of args.services) {
        const live = `${s.name}_live`;
        lines.push(
            "",
            `frontend ${s.name}`,
            `  bind :${s.hostPort}`,
            `  http-request disable-l7-retry if !{ method ${IDEMPOTENT} }`,
            ...(s.liveCheckPath === undefined ? [] : [`  use_backend ${live} if { nbsrv(${s.name}) eq 0 }`]),
            `  default_backend ${s.name}`,
            ...backend(s.name, s.checkPath, s, args.maxTasksPerService),
            ...(s.liveCheckPath === undefined ? [] : backend(live, s.liveCheckPath, s, args.maxTasksPerService)),
        );
    }
    return `${lines.join("\n")}\n`;
}

/** A backend of the service's tasks, found through Swarm's DNS, that gets requests while `checkPath` answers 200. */
function backend(name: string, checkPath: string, s: ProxiedService, maxTasks: number): string[] {
    return [
        "",
        `backend ${name}`,
        "  balance roundrobin",
        `  option httpchk GET ${checkPath}`,
        "  http-check expect status 200",
        // Checked every second; once one fails, every 250 ms: a task is out after three failures in a row
        // (a draining task's 503s take it out within 1.5 s, one slow check on a loaded host does not) and back in at its first good one;
        // a request that cannot connect to it takes it out at once.
        "  default-server check inter 1s fastinter 250ms fall 3 rise 1 observe layer4 error-limit 1 on-error mark-down resolvers docker init-addr none",
        `  server-template task ${maxTasks} tasks.${s.name}:${s.port}`,
    ];
}
