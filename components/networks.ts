import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";

export interface NetworksArgs {
    /** Prefix of every Docker name, `<project>-<stack>`, so stacks can share one Docker host. */
    readonly prefix: pulumi.Input<string>;
    /** Docker labels put on both networks. */
    readonly labels: pulumi.Input<Record<string, pulumi.Input<string>>>;
    /** Network driver of the stack's runtime. */
    readonly driver: "bridge" | "overlay";
    /** Overlay networks only: Docker encrypts their traffic between nodes (IPsec). */
    readonly encrypted?: boolean;
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
            { name: pulumi.interpolate`${args.prefix}-public`, driver: args.driver, internal: false, labels, ...swarmScoped(args) },
            { parent: this, deleteBeforeReplace: true, ...readsBackOptions(args) },
        );
        const internalNetwork = new docker.Network(
            `${name}-internal`,
            { name: pulumi.interpolate`${args.prefix}-internal`, driver: args.driver, internal: true, labels, ...swarmScoped(args) },
            { parent: this, deleteBeforeReplace: true, ...readsBackOptions(args) },
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

/**
 * An overlay network lets plain containers (the entry proxy, one-shot tasks)
 * join the Swarm services on it, and may encrypt what crosses between nodes.
 */
function swarmScoped(args: NetworksArgs): { attachable?: boolean; options?: Record<string, string> } {
    if (args.driver !== "overlay") return {};
    return { attachable: true, ...(encryptedOverlay(args) ? { options: { encrypted: "true" } } : {}) };
}

/**
 * Docker adds its VXLAN ids to an overlay network's options, so options the
 * program sets read back different and would replace the network on every up
 * (docs/swarm-resources.md): they are set at create only.
 */
function readsBackOptions(args: NetworksArgs): { ignoreChanges?: string[] } {
    return encryptedOverlay(args) ? { ignoreChanges: ["options"] } : {};
}

function encryptedOverlay(args: NetworksArgs): boolean {
    return args.driver === "overlay" && args.encrypted === true;
}
