import * as pulumi from "@pulumi/pulumi";
import { exporterPassword, postgresExporterQueries } from "../monitoring/postgresExporter";
import { NODE_EXPORTER_PORT, POSTGRES_EXPORTER_PORT } from "../monitoring/prometheus";
import type { RunningWorkload, Runtime } from "./runtime";
import { FILES_DIR, httpHealthcheck, SECRETS_DIR, WorkloadDefaults } from "./workload";

const PASSWORD_FILE = `${SECRETS_DIR}/database-password`;
const QUERIES_FILE = `${FILES_DIR}/postgres-exporter/queries.yml`;
/** The exporters' images run as nobody, as the public ones do. */
const NOBODY = "65534:65534";

export interface ExportersArgs extends WorkloadDefaults {
    /** What runs the exporters. */
    readonly runtime: Runtime;
    readonly images: { readonly postgresExporter: pulumi.Input<string>; readonly nodeExporter: pulumi.Input<string> };
    /** The database the PostgreSQL exporter connects to, and as whom. */
    readonly database: {
        readonly host: pulumi.Input<string>;
        readonly port: pulumi.Input<number>;
        readonly name: string;
        readonly user: string;
        readonly password: pulumi.Input<string>;
    };
    /** The database's network, and the network Prometheus scrapes on. */
    readonly internalNetworkName: pulumi.Input<string>;
    readonly publicNetworkName: pulumi.Input<string>;
    /** Limits of each exporter. */
    readonly memoryMb: number;
    readonly cpus: number;
    readonly hardened: boolean;
}

/**
 * The exporters Prometheus scrapes for what the services do not report
 * themselves: PostgreSQL (Debian's prometheus-postgres-exporter, with the
 * database container's memory read from its cgroup) and the host (Debian's
 * prometheus-node-exporter, reading the host's /proc, /sys and / read-only).
 */
export class Exporters extends pulumi.ComponentResource {
    public readonly containerNames: pulumi.Output<string[]>;
    /** Container ids, which change whenever a container is replaced. */
    public readonly containerIds: pulumi.Output<string[]>;

    constructor(name: string, args: ExportersArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super("ade:platform:Exporters", name, {}, opts);
        const postgres = this.postgresExporter(name, args);
        const node = args.runtime.run(
            `${name}-node-exporter`,
            {
                service: "node-exporter",
                image: args.images.nodeExporter,
                networks: [{ name: args.publicNetworkName, aliases: ["node-exporter"] }],
                command: [
                    "--path.procfs=/host/proc",
                    "--path.sysfs=/host/sys",
                    "--path.rootfs=/host/root",
                    `--web.listen-address=:${NODE_EXPORTER_PORT}`,
                    // Neither has anything to read in a container: no systemd bus, no text files.
                    "--no-collector.systemd",
                    "--no-collector.textfile",
                    // Docker's container layers are not disks of the host.
                    "--collector.filesystem.mount-points-exclude=^/(dev|proc|sys|run|var/lib/docker/.+)($|/)",
                ],
                hostMounts: [
                    { hostPath: "/proc", containerPath: "/host/proc" },
                    { hostPath: "/sys", containerPath: "/host/sys" },
                    { hostPath: "/", containerPath: "/host/root" },
                ],
                everyHost: true,
                healthcheck: httpHealthcheck(NODE_EXPORTER_PORT, "/"),
                user: NOBODY,
                hardened: args.hardened,
                memoryMb: args.memoryMb,
                cpus: args.cpus,
                labels: { ...args.labels, "ade.service": "node-exporter" },
                logging: args.logging,
            },
            { parent: this },
        );
        this.containerNames = pulumi.all([postgres.name, node.name]);
        this.containerIds = pulumi.all([postgres.revision, node.revision]);
        this.registerOutputs({ containerNames: this.containerNames, containerIds: this.containerIds });
    }

    /** Connects as the database's own role, its password read from a secret file (DATA_SOURCE_PASS_FILE). */
    private postgresExporter(name: string, args: ExportersArgs): RunningWorkload {
        const db = args.database;
        const password = pulumi.secret(db.password).apply(exporterPassword);
        return args.runtime.run(
            `${name}-postgres-exporter`,
            {
                service: "postgres-exporter",
                image: args.images.postgresExporter,
                networks: [
                    { name: args.internalNetworkName, aliases: ["postgres-exporter"] },
                    { name: args.publicNetworkName, aliases: ["postgres-exporter"] },
                ],
                env: {
                    DATA_SOURCE_URI: pulumi.interpolate`${db.host}:${db.port}/${db.name}?sslmode=disable`,
                    DATA_SOURCE_USER: db.user,
                    DATA_SOURCE_PASS_FILE: PASSWORD_FILE,
                    PG_EXPORTER_EXTEND_QUERY_PATH: QUERIES_FILE,
                },
                files: { [QUERIES_FILE]: postgresExporterQueries() },
                secretFiles: { [PASSWORD_FILE]: password },
                healthcheck: httpHealthcheck(POSTGRES_EXPORTER_PORT, "/"),
                user: NOBODY,
                hardened: args.hardened,
                memoryMb: args.memoryMb,
                cpus: args.cpus,
                labels: { ...args.labels, "ade.service": "postgres-exporter" },
                logging: args.logging,
            },
            { parent: this },
        );
    }
}
