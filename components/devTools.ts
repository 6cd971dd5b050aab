import * as pulumi from "@pulumi/pulumi";
import type { Runtime } from "./runtime";
import type { WorkloadDefaults } from "./workload";

const ADMINER_PORT = 8080;

export interface DevToolsArgs extends WorkloadDefaults {
    /** What runs the tools. */
    readonly runtime: Runtime;
    /** Image of the database admin tool (Adminer or a compatible one). */
    readonly dbAdminImage: pulumi.Input<string>;
    /** Loopback port the admin tool is published on. */
    readonly dbAdminHostPort: number;
    readonly internalNetworkName: pulumi.Input<string>;
    readonly publicNetworkName: pulumi.Input<string>;
}

/**
 * Development-only tools: a database admin UI on loopback, pointed at the
 * environment's database. Never created outside development.
 */
export class DevTools extends pulumi.ComponentResource {
    public readonly dbAdminUrl: pulumi.Output<string>;
    public readonly containerId: pulumi.Output<string>;

    constructor(name: string, args: DevToolsArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super("ade:platform:DevTools", name, {}, opts);
        const dbAdmin = args.runtime.run(
            `${name}-dbadmin`,
            {
                service: "dbadmin",
                image: args.dbAdminImage,
                // Internal to reach the database; public because Docker publishes no port of an internal-only container.
                networks: [
                    { name: args.internalNetworkName, aliases: ["dbadmin"] },
                    { name: args.publicNetworkName, aliases: ["dbadmin"] },
                ],
                ports: [{ containerPort: ADMINER_PORT, hostPort: args.dbAdminHostPort, hostAddress: "127.0.0.1" }],
                readinessPath: "/",
                env: { ADMINER_DEFAULT_SERVER: "postgres" },
                healthcheck: {
                    test: ["CMD", "php", "-r", `exit(@file_get_contents('http://127.0.0.1:${ADMINER_PORT}/') === false ? 1 : 0);`],
                },
                memoryMb: 128,
                cpus: 0.25,
                labels: { ...args.labels, "ade.service": "dbadmin" },
                logging: args.logging,
            },
            { parent: this },
        );
        this.dbAdminUrl = pulumi.output(`http://127.0.0.1:${args.dbAdminHostPort}`);
        this.containerId = dbAdmin.revision;
        this.registerOutputs({ dbAdminUrl: this.dbAdminUrl, containerId: this.containerId });
    }
}
