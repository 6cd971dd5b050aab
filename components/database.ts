import * as command from "@pulumi/command";
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import * as path from "path";
import type { Runtime } from "./runtime";
import { dockerLabels, SECRETS_DIR, WorkloadDefaults } from "./workload";
import { SOURCE_ROOT } from "../core/paths";

export const POSTGRES_PORT = 5432;
const PASSWORD_FILE = `${SECRETS_DIR}/database-password`;
const BACKUP_SCRIPT = path.join(SOURCE_ROOT, "components", "db-backup.sh");

export interface DatabaseBackup {
    /** Directory on the host the dumps go to; relative paths are relative to the project root. */
    readonly directory: string;
    /** How many dumps to keep; older ones are deleted after each backup. */
    readonly retention: number;
}

export interface DatabaseArgs extends WorkloadDefaults {
    /** Prefix of every Docker name, `<project>-<stack>`. */
    readonly prefix: string;
    /** What runs the database server. */
    readonly runtime: Runtime;
    readonly image: pulumi.Input<string>;
    readonly databaseName: string;
    readonly user: string;
    readonly password: pulumi.Input<string>;
    /** The internal network (and, for a published debug port, the public one). */
    readonly internalNetworkName: pulumi.Input<string>;
    readonly publicNetworkName: pulumi.Input<string>;
    /** Loopback port for debugging; unpublished when absent. */
    readonly hostPort?: number;
    /** A pg_dump before every update that touches the database; none when absent. */
    readonly backup?: DatabaseBackup;
    /** Keep the data volume when the stack is destroyed or the volume replaced. Defaults to false. */
    readonly retainVolumeOnDestroy?: boolean;
    readonly memoryMb: number;
    readonly cpus: number;
    readonly hardened: boolean;
}

/**
 * PostgreSQL with its data on a named volume, reachable by alias `postgres` on
 * the internal network, optionally backed up before every change to it.
 */
export class Database extends pulumi.ComponentResource {
    public readonly host: pulumi.Output<string>;
    public readonly port: pulumi.Output<number>;
    public readonly containerName: pulumi.Output<string>;
    public readonly volumeName: pulumi.Output<string>;
    /** What the last pre-update backup did (its file), or undefined without backups. */
    public readonly lastBackup: pulumi.Output<string | undefined>;

    constructor(name: string, args: DatabaseArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super("ade:platform:Database", name, {}, opts);
        const containerName = `${args.prefix}-postgres`;

        const volume = new docker.Volume(
            `${name}-data`,
            { name: `${args.prefix}-pgdata`, labels: dockerLabels(args.labels) },
            { parent: this, deleteBeforeReplace: true, retainOnDelete: args.retainVolumeOnDestroy ?? false },
        );

        // What defines the container; when any of it changes the container is
        // replaced, so the backup must run first.
        const definition = pulumi.jsonStringify({
            image: args.image,
            databaseName: args.databaseName,
            user: args.user,
            memoryMb: args.memoryMb,
            cpus: args.cpus,
            hardened: args.hardened,
            hostPort: args.hostPort ?? null,
        });
        let backup: command.local.Command | undefined;
        if (args.backup !== undefined) {
            backup = new command.local.Command(
                `${name}-backup`,
                {
                    create: `bash "${BACKUP_SCRIPT}"`,
                    environment: {
                        // The running database, whatever runs it (a container, or a Swarm task), by its labels.
                        ADE_DB_LABELS: pulumi
                            .all(["ade.project", "ade.stack"].map((label) => pulumi.output(args.labels[label] ?? "")))
                            .apply(([project, stack]) => `ade.project=${project} ade.stack=${stack} ade.service=postgres`),
                        ADE_BACKUP_NAME: containerName,
                        ADE_DB_NAME: args.databaseName,
                        ADE_DB_USER: args.user,
                        ADE_BACKUP_DIR: args.backup.directory,
                        ADE_BACKUP_RETENTION: String(args.backup.retention),
                    },
                    triggers: [definition, pulumi.secret(args.password)],
                },
                { parent: this },
            );
        }

        const networks = [{ name: args.internalNetworkName, aliases: ["postgres"] }];
        if (args.hostPort !== undefined) networks.push({ name: args.publicNetworkName, aliases: [`${name}-postgres`] });
        const server = args.runtime.run(
            `${name}-postgres`,
            {
                service: "postgres",
                image: args.image,
                networks,
                ports: args.hostPort === undefined ? [] : [{ containerPort: POSTGRES_PORT, hostPort: args.hostPort, hostAddress: "127.0.0.1" }],
                env: {
                    POSTGRES_DB: args.databaseName,
                    POSTGRES_USER: args.user,
                    POSTGRES_PASSWORD_FILE: PASSWORD_FILE,
                    PGDATA: "/var/lib/postgresql/data/pgdata",
                },
                secretFiles: { [PASSWORD_FILE]: args.password },
                volumes: [{ volumeName: volume.name, containerPath: "/var/lib/postgresql/data" }],
                stateful: true,
                healthcheck: {
                    test: ["CMD", "pg_isready", "-h", "127.0.0.1", "-U", args.user, "-d", args.databaseName],
                    // The first start runs initdb, which takes seconds; failures meanwhile do not count.
                    startPeriodSeconds: 30,
                },
                user: args.hardened ? "999:999" : undefined,
                // Postgres reads the password as its own user (uid 999), whoever starts it.
                filesOwner: "999:999",
                hardened: args.hardened,
                writablePaths: ["/tmp", "/var/run/postgresql"],
                memoryMb: args.memoryMb,
                cpus: args.cpus,
                labels: { ...args.labels, "ade.service": "postgres" },
                logging: args.logging,
            },
            { parent: this, dependsOn: backup === undefined ? [] : [backup] },
        );

        this.host = pulumi.output("postgres");
        this.port = pulumi.output(POSTGRES_PORT);
        this.containerName = server.name;
        this.volumeName = volume.name;
        this.lastBackup = backup === undefined ? pulumi.output(undefined) : backup.stdout;
        this.registerOutputs({
            host: this.host,
            port: this.port,
            containerName: this.containerName,
            volumeName: this.volumeName,
            lastBackup: this.lastBackup,
        });
    }
}
