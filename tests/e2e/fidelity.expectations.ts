/**
 * What the REAL plugins (pulumi-resource-docker 5.0.0, pulumi-resource-command
 * 1.2.1) plan and read back, written down so that the stand-ins of
 * toolchain/standin-providers can be checked against it (fidelity.e2e.test.ts).
 * Each entry says where it comes from: a file of the real providers' sources
 * (kreuzwerker/terraform-provider-docker at 619686ddb44a = v4.2.0, which
 * pulumi-docker v5.0.0 bundles; pulumi/pulumi-docker v5.0.0;
 * pulumi/pulumi-terraform-bridge v3.126.0; pulumi/pulumi-command v1.2.1 on
 * pulumi/pulumi-go-provider v1.3.0), or a fact observed with the real plugins.
 *
 * A plan lists every resource of its scenario: the engine's step for it and,
 * for a change, each changed top-level property with its diff kind.
 */

export type Op = "same" | "create" | "update" | "replace" | "delete";
export type DiffKind = "add" | "delete" | "update" | "add-replace" | "delete-replace" | "update-replace";
export interface PlanStep {
    readonly op: Op;
    readonly diff?: Readonly<Record<string, DiffKind>>;
}
export interface Expectation {
    /** What the real provider does, in a sentence. */
    readonly behaviour: string;
    /** Where that comes from. */
    readonly source: string;
    readonly plan?: Readonly<Record<string, PlanStep>>;
    /** Stored outputs, by resource and property. */
    readonly readBack?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
    /** What a failing operation's message must match. */
    readonly error?: RegExp;
}

const KREUZWERKER = "kreuzwerker/terraform-provider-docker@619686ddb44a:internal/provider";
const SAME = { op: "same" } as const;
const CREATE = { op: "create" } as const;

/** The drift every preview of the read-back scenario shows while memOnly's state holds Docker's memorySwap. */
const READBACK_DRIFT = {
    net: SAME, vol: SAME, img: SAME, base: SAME, files: SAME, svc: SAME, probe: SAME,
    memOnly: { op: "update", diff: { memorySwap: "delete" } },
    cpuOne: { op: "replace", diff: { cpus: "update-replace" } },
} as const;

export const EXPECTATIONS = {
    readBackCreate: {
        behaviour: "create reports every attribute as the provider's Read saw it right after the create",
        source: `${KREUZWERKER}/resource_docker_container_funcs.go (resourceDockerContainerCreate ends with resourceDockerContainerRead: memory_swap, cpus via nanoInt64ToDecimalString in helpers.go, exit_code and must_run of a stopped container); data_source_docker_image.go determineRepoDigest (no RepoDigests: ""); pulumi-docker@v5.0.0:provider/image.go dockerBuild (skipPush: repoDigest is the local image ID); pulumi-command@v1.2.1:provider/pkg/provider/local/commandOutputs.go run (one trailing newline trimmed)`,
        plan: { net: CREATE, vol: CREATE, img: CREATE, base: CREATE, files: CREATE, svc: CREATE, memOnly: CREATE, cpuOne: CREATE, probe: CREATE },
        readBack: {
            memOnly: { memory: 64, memorySwap: 128 },
            svc: { memory: 64, memorySwap: 64, cpus: "0.5", mustRun: true, exitCode: null, init: true, stopSignal: "SIGTERM", stopTimeout: 10 },
            cpuOne: { cpus: "1.0" },
            files: { exitCode: 0, mustRun: false },
            base: { repoDigest: "" },
            probe: { stdout: "probe 1", stderr: "" },
        },
    },
    readBackPreview: {
        behaviour: "a preview after the create shows no change where the inputs match what was read back; memory alone plans away Docker's memorySwap (2 x memory) in place; cpus \"1\" read back as \"1.0\" replaces the container (cpus is ForceNew)",
        source: `observed with the real plugin: "- memorySwap: 512", "[diff: -memorySwap]" after every create or replace; ${KREUZWERKER}/resource_docker_container.go (memory_swap Optional, not Computed nor ForceNew; cpus ForceNew); helpers.go nanoInt64ToDecimalString`,
        plan: READBACK_DRIFT,
    },
    readBackRefresh: {
        behaviour: "after pulumi refresh, and with preview --refresh, the same plan: refresh works and reads the same values back",
        source: `observed with the real plugin: refresh works and shows only output noise; after every refresh the memorySwap diff comes back; ${KREUZWERKER}/resource_docker_container_funcs.go resourceDockerContainerRead`,
        plan: READBACK_DRIFT,
    },
    readBackAfterUpdate: {
        behaviour: "the in-place update stores the planned state (no memorySwap) without a read, so the next preview is clean for memOnly until a refresh reads memorySwap back; cpus \"1\" replaces again",
        source: `observed with the real plugin: "The next up runs an in-place update ([diff: -memorySwap]); after every refresh it comes back"; ${KREUZWERKER}/resource_docker_container_funcs.go resourceDockerContainerUpdate (no Read at its end)`,
        plan: { ...READBACK_DRIFT, memOnly: SAME },
    },
    imageVersion: {
        behaviour: "a new imageName and build args update the Image in place; the container that runs its repoDigest is replaced (image is ForceNew)",
        source: `observed with the real plugin: "~ docker:index:Image ... updated [diff: ~build,imageName]"; pulumi-docker@v5.0.0:provider/provider.go Diff (only UPDATE/ADD/DELETE kinds, never a replace); ${KREUZWERKER}/resource_docker_container.go (image ForceNew)`,
        plan: { img: { op: "update", diff: { build: "update", imageName: "update" } }, app: { op: "replace", diff: { image: "update-replace" } }, cmd: SAME, lnet: SAME, lvol: SAME },
    },
    containerLimits: {
        behaviour: "memory, memorySwap and restart update the running container in place (docker update), keeping its id",
        source: `${KREUZWERKER}/resource_docker_container.go (not ForceNew) and resource_docker_container_funcs.go resourceDockerContainerUpdate (ContainerUpdate with RestartPolicy and Resources)`,
        plan: { img: SAME, app: { op: "update", diff: { memory: "update", memorySwap: "update", restart: "update" } }, cmd: SAME, lnet: SAME, lvol: SAME },
    },
    containerEnv: {
        behaviour: "a ForceNew attribute (envs) replaces the container, the old one deleted first",
        source: `${KREUZWERKER}/resource_docker_container.go (env ForceNew); pulumi-docker@v5.0.0:provider/resources.go (docker_container DeleteBeforeReplace: true)`,
        plan: { img: SAME, app: { op: "replace", diff: { envs: "update-replace" } }, cmd: SAME, lnet: SAME, lvol: SAME },
    },
    containerHealthcheck: {
        behaviour: "healthcheck is not ForceNew, so a change is an in-place update that Terraform's Update never sends to Docker: the container keeps its old healthcheck and every refresh brings the diff back",
        source: `${KREUZWERKER}/resource_docker_container.go (healthcheck Optional+Computed, not ForceNew) and resource_docker_container_funcs.go resourceDockerContainerUpdate (acts only on restart, max_retry_count, cpu_shares, memory, memory_reservation, cpu_set, memory_swap, device limits, must_run)`,
        plan: { img: SAME, app: { op: "update", diff: { healthcheck: "update" } }, cmd: SAME, lnet: SAME, lvol: SAME },
    },
    commandEnvironment: {
        behaviour: "a Command whose environment changes is updated: it runs update (else create) again and stores its new stdout",
        source: "pulumi-command@v1.2.1:provider/pkg/provider/local/commandController.go Update; pulumi-go-provider@v1.3.0:infer/resource.go diff (old inputs against new inputs)",
        plan: { img: SAME, app: SAME, cmd: { op: "update", diff: { environment: "update" } }, lnet: SAME, lvol: SAME },
        readBack: { cmd: { stdout: "ran 2" } },
    },
    commandTriggers: {
        behaviour: "a Command whose triggers change is replaced (the Node SDK's replaceOnChanges: [\"triggers[*]\"] on an element-path update the provider reports)",
        source: "pulumi-command@v1.2.1:provider/pkg/provider/common/inputs.go (triggers replaceOnChanges); @pulumi/command 1.2.1 local/command.js (replaceOnChanges option); pulumi-go-provider@v1.3.0:infer/resource.go diff",
        plan: { img: SAME, app: SAME, cmd: { op: "replace", diff: { triggers: "update-replace" } }, lnet: SAME, lvol: SAME },
    },
    labels: {
        behaviour: "Network and Volume labels are ForceNew: a change replaces both",
        source: `${KREUZWERKER}/resource_docker_network.go and resource_docker_volume.go (labels ForceNew)`,
        plan: { img: SAME, app: SAME, cmd: SAME, lnet: { op: "replace", diff: { labels: "update-replace" } }, lvol: { op: "replace", diff: { labels: "update-replace" } } },
    },
    missingImage: {
        behaviour: "a RemoteImage that is not local and cannot be pulled fails the up naming the image; resources already up are not touched",
        source: `${KREUZWERKER}/resource_docker_image_funcs.go resourceDockerImageCreate and findImage/pullImage ("Unable to read Docker image into resource: unable to pull image X: error pulling image X: ...")`,
        plan: { net3: SAME, victim: SAME, pull: CREATE },
        error: /Unable to read Docker image into resource: unable to pull image ade-fid\/missing:1: error pulling image ade-fid\/missing:1: Error response from daemon: /,
    },
    unhealthy: {
        behaviour: "a container that does not turn healthy within waitTimeout fails the up but stays, in Docker and in the state (with the error); the next up only updates it, which changes nothing in Docker, and succeeds",
        source: `${KREUZWERKER}/resource_docker_container_funcs.go resourceDockerContainerCreate (waits until healthy or the wait_timeout: "container failed to be in healthy state", after d.SetId); pulumi-terraform-bridge@v3.126.0:pkg/tfbridge/provider.go Create (a state with an id and an error: initializationError); resourceDockerContainerUpdate`,
        plan: { net3: SAME, victim: SAME, sick: CREATE },
        error: /creating urn:pulumi:missing::ade-fid::docker:index\/container:Container::sick: 1 error occurred:\s+\* container failed to be in healthy state/,
    },
    unhealthyAgain: {
        behaviour: "the next up of a container created with an error is an update with no property changed",
        source: "pulumi engine: a resource with initialization errors is updated on the next up; resourceDockerContainerUpdate acts on nothing that did not change",
        plan: { net3: SAME, victim: SAME, sick: { op: "update" } },
    },
    containerGone: {
        behaviour: "a container removed by hand reads as gone on refresh and is created again by the next up",
        source: `${KREUZWERKER}/resource_docker_container_funcs.go resourceDockerContainerRead (fetchDockerContainer finds none: d.SetId(""))`,
        plan: { net3: SAME, victim: CREATE, sick: SAME },
    },
    remoteImageLocal: {
        behaviour: "a RemoteImage whose image is local is not pulled; its imageId is the local image ID and its repoDigest \"\"; delete without keepLocally removes that name only",
        source: `${KREUZWERKER}/resource_docker_image_funcs.go findImage (searchLocalImages first), resourceDockerImageRead, removeImage (ImageRemove of the name)`,
        readBack: { tagged: { repoDigest: "" } },
    },
    getRemoteImageMissing: {
        behaviour: "getRemoteImage of an image Docker does not have fails naming it",
        source: `${KREUZWERKER}/data_source_docker_image.go dataSourceDockerImageRead; pulumi-terraform-bridge@v3.126.0:pkg/tfbridge/provider.go Invoke ("invoking <token>: ...")`,
        error: /invoking docker:index\/getRemoteImage:getRemoteImage: 1 error occurred:\s+\* did not find docker image 'ade-fid\/absent:1'/,
    },
    getRegistryImageHttps: {
        behaviour: "getRegistryImage reaches a registry over https unless the provider's registryAuth gives it as http://: a plain-HTTP loopback registry then fails",
        source: `${KREUZWERKER}/data_source_docker_registry_image.go (ServerAddress "https://" + registry without an auth config), config.go normalizeRegistryAddress, provider.go providerSetToRegistryAuth`,
        error: /Got error when attempting to fetch image version ade-fid\/app:1 from registry: Error during registry request: Head "https:\/\/127\.0\.0\.1:14500\/v2\/ade-fid\/app\/manifests\/1": http: server gave HTTP response to HTTPS client/,
    },
    getRegistryImageTagMissing: {
        behaviour: "getRegistryImage of a tag the registry does not have fails with its answer",
        source: `${KREUZWERKER}/data_source_docker_registry_image.go getImageDigest`,
        error: /Got error when attempting to fetch image version ade-fid\/app:9 from registry: got bad response from registry: 404 Not Found/,
    },
    getRegistryImageNoRegistry: {
        behaviour: "getRegistryImage of a registry nobody listens on fails naming the address",
        source: `${KREUZWERKER}/data_source_docker_registry_image.go getImageDigest`,
        error: /Got error when attempting to fetch image version ade-fid\/app:1 from registry: Error during registry request: Head "http:\/\/127\.0\.0\.1:14599\/v2\/ade-fid\/app\/manifests\/1": dial tcp 127\.0\.0\.1:14599: connect: connection refused/,
    },
} satisfies Record<string, Expectation>;
