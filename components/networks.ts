import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface NetworksArgs {
    /** Prefix of every Docker name, `<project>-<stack>`, so stacks can share one Docker host. */
    readonly prefix: pulumi.Input<string>;
    /** Docker labels put on both networks. */
    readonly labels: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Network driver of the stack's runtime. */
    readonly driver: "bridge" | "overlay";
}

/**
 * The environment's two networks: `public`, where the services, monitoring and
 * published ports live, and `internal` (no route out of the host), which holds
 * the database and the services that talk to it.
 */
export class Networks extends pulumi.ComponentResource {
    public readonly publicNetworkName: pulumi.Output<string>;
    public readonly internalNetworkName: pulumi.Output<string>;
    public readonly publicNetworkId: pulumi.Output<string>;
    public readonly internalNetworkId: pulumi.Output<string>;

    constructor(name: string, args: NetworksArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super("ade:platform:Networks", name, {}, opts);
        const labels = pulumi.output(args.labels).apply((l) => Object.entries(l).map(([label, value]) => ({ label, value })));

        const publicNetwork = new docker.Network(
            `${name}-public`,
            { name: pulumi.interpolate`${args.prefix}-public`, driver: args.driver, internal: false, labels, ...swarmScoped(args.driver) },
            { parent: this, deleteBeforeReplace: true },
        );
        const internalNetwork = new docker.Network(
            `${name}-internal`,
            { name: pulumi.interpolate`${args.prefix}-internal`, driver: args.driver, internal: true, labels, ...swarmScoped(args.driver) },
            { parent: this, deleteBeforeReplace: true },
        );

        this.publicNetworkName = publicNetwork.name;
        this.internalNetworkName = internalNetwork.name;
        this.publicNetworkId = publicNetwork.id;
        this.internalNetworkId = internalNetwork.id;
        this.registerOutputs({
            publicNetworkName: this.publicNetworkName,
            internalNetworkName: this.internalNetworkName,
            publicNetworkId: this.publicNetworkId,
            internalNetworkId: this.internalNetworkId,
        });
    }
}

/** An overlay network lets plain containers (the entry proxy, one-shot tasks) join the Swarm services on it. */
function swarmScoped(driver: NetworksArgs["driver"]): { attachable?: boolean } {
    return driver === "overlay" ? { attachable: true } : {};
}
