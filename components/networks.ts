import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface NetworksArgs {
    /** Prefix of every Docker name, `<project>-<stack>`, so stacks can share one Docker host. */
    readonly prefix: pulumi.Input<string>;
    /** Docker labels put on both networks. */
    readonly labels: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Network driver of the stack's runtime. */
    readonly driver: "bridge";
}

/**
 * The environment's two networks: `public`, where the services, monitoring and
 * published ports live, and `internal` (no route out of the host), which holds
 * the database and the services that talk to it.
 */
export class Networks extends pulumi.ComponentResource {
    public readonly publicNetworkName: pulumi.Output<string>;
    public readonly internalNetworkName: pulumi.Output<string>;

    constructor(name: string, args: NetworksArgs, opts: pulumi.ComponentResourceOptions = {}) {
        super("ade:platform:Networks", name, {}, opts);
        const labels = pulumi.output(args.labels).apply((l) => Object.entries(l).map(([label, value]) => ({ label, value })));

        const publicNetwork = new docker.Network(
            `${name}-public`,
            { name: pulumi.interpolate`${args.prefix}-public`, driver: args.driver, internal: false, labels },
            { parent: this, deleteBeforeReplace: true },
        );
        const internalNetwork = new docker.Network(
            `${name}-internal`,
            { name: pulumi.interpolate`${args.prefix}-internal`, driver: args.driver, internal: true, labels },
            { parent: this, deleteBeforeReplace: true },
        );

        this.publicNetworkName = publicNetwork.name;
        this.internalNetworkName = internalNetwork.name;
        this.registerOutputs({ publicNetworkName: this.publicNetworkName, internalNetworkName: this.internalNetworkName });
    }
}
