/**
 * What the REAL pulumi-resource-docker 5.0.0 does with Swarm services,
 * secrets, configs and overlay networks, written down so that the stand-in of
 * toolchain/standin-providers can be checked against it
 * (swarm-fidelity.e2e.test.ts). Each entry cites the source it comes from:
 * kreuzwerker/terraform-provider-docker at 619686ddb44a (v4.2.0, which
 * pulumi-docker v5.0.0 bundles), pulumi/pulumi-docker v5.0.0,
 * pulumi/pulumi-terraform-bridge v3.126.0, the Docker Go client v28.5.2 the
 * provider is built with, and Docker's own answers (dockerd 20.10).
 */
import { Expectation } from "./fidelity.expectations";

const KREUZWERKER = "kreuzwerker/terraform-provider-docker@619686ddb44a:internal/provider";
const SERVICE = `${KREUZWERKER}/resource_docker_service.go`;
const FUNCS = `${KREUZWERKER}/resource_docker_service_funcs.go`;
const STRUCTURES = `${KREUZWERKER}/resource_docker_service_structures.go`;
const SAME = { op: "same" } as const;
const CREATE = { op: "create" } as const;
const SERVICE_SAME = { net: SAME, secret: SAME, config: SAME, app: SAME } as const;
const DRIFT = {
    plainNet: SAME,
    ignoredNet: SAME,
    encryptedNet: { op: "replace", diff: { options: "update-replace" } },
    partialRestart: { op: "update", diff: { taskSpec: "update" } },
    untagged: { op: "update", diff: { taskSpec: "update" } },
    wrappedConfig: { op: "replace", diff: { data: "update-replace" } },
} as const;

export const SWARM_EXPECTATIONS = {
    serviceCreate: {
        behaviour: "with a convergeConfig, create waits until every replica's slot has a running task (Swarm calls a task with a healthcheck running once it is healthy), then reads the service back",
        source: `${FUNCS} resourceDockerServiceCreate (StateChangeConf until resourceDockerServiceCreateRefreshFunc says "running": replicatedConsoleLogUpdater.update counts running tasks per slot) and resourceDockerServiceRead`,
        plan: { net: CREATE, secret: CREATE, config: CREATE, app: CREATE },
        readBack: {
            net: { driver: "overlay", scope: "swarm", attachable: true },
            config: { data: Buffer.from("level=info\n").toString("base64") },
        },
    },
    serviceClean: {
        behaviour: "a service whose inputs are written the way the provider reads them back (tagged image, network by id, restartPolicy with delay and window, durations in Go's short form, standard base64) plans no change, before and after a refresh and with preview --refresh",
        source: `${STRUCTURES} flatten* (shortDur, mapStringSliceToMap, flattenTaskNetworksAdvanced: id), ${SERVICE} (Optional+Computed: labels, mode, endpoint_spec, resources, restart_policy, placement, healthcheck, stop_grace_period, dns_config)`,
        plan: SERVICE_SAME,
    },
    imageUpdate: {
        behaviour: "a new image is an in-place update: one Swarm service update with the whole spec, the service keeps its id, and with a convergeConfig the update waits 7 s and then until every slot has a running task",
        source: `${SERVICE} (task_spec.container_spec.image not ForceNew), ${FUNCS} resourceDockerServiceUpdate (ServiceUpdate, StateChangeConf Delay 7s, Target "completed")`,
        plan: { ...SERVICE_SAME, app: { op: "update", diff: { taskSpec: "update" } } },
    },
    secretRotation: {
        behaviour: "a secret under a new name replaces the secret (create the new one first: pulumi-docker sets no deleteBeforeReplace for it), updates the service in place (its secrets are not ForceNew), and deletes the old secret last, which Docker allows once no service spec refers to it",
        source: `${KREUZWERKER}/resource_docker_secret.go (name, data, labels ForceNew; no Update), pulumi-docker@v5.0.0:provider/resources.go (docker_secret: no DeleteBeforeReplace), ${SERVICE} (container_spec.secrets not ForceNew)`,
        plan: { net: SAME, config: SAME, secret: { op: "replace", diff: { name: "update-replace", data: "update-replace" } }, app: { op: "update", diff: { taskSpec: "update" } } },
    },
    rolledBack: {
        behaviour: "an update Swarm rolls back by itself (update_config failure_action rollback) fails the up with \"service rollback completed: <Swarm's message>\"; the old version keeps running",
        source: `${FUNCS} resourceDockerServiceUpdateRefreshFunc (UpdateStatus rollback_completed, or every slot running while rollback_started: fmt.Errorf("service rollback completed: %s", service.UpdateStatus.Message)); pulumi-terraform-bridge@v3.126.0:pkg/tfbridge/provider.go Update ("updating <urn>: ...", the planned state kept with the error)`,
        plan: { ...SERVICE_SAME, app: { op: "update", diff: { taskSpec: "update" } } },
        error: /updating urn:pulumi:service::ade-swfid::docker:index\/service:Service::app: 1 error occurred:\s+\* service rollback completed: /,
    },
    rolledBackAgain: {
        behaviour: "after the failed update the state holds the planned (rolled back) image with the error: the next preview is an update with no property changed, as for any resource whose operation failed after Docker took it",
        source: "pulumi engine: a resource with initialization errors is updated on the next up; pulumi-terraform-bridge@v3.126.0 Update (initializationError with the planned state); terraform-plugin-sdk/v2 helper/schema/resource.go Apply (data.State() after a failed update)",
        plan: { ...SERVICE_SAME, app: { op: "update" } },
    },
    rolledBackRefreshed: {
        behaviour: "a refresh reads the rolled back image, so the preview plans the failed image again as an update",
        source: `${FUNCS} resourceDockerServiceRead (task_spec read back whole)`,
        plan: { ...SERVICE_SAME, app: { op: "update", diff: { taskSpec: "update" } } },
    },
    serviceGone: {
        behaviour: "a service removed by hand reads as gone on refresh (looked up by id, then by name) and is created again by the next up",
        source: `${FUNCS} resourceDockerServiceReadRefreshFunc (fetchDockerService finds none: d.SetId(""))`,
        plan: { ...SERVICE_SAME, app: CREATE },
    },
    deleteWaits: {
        behaviour: "with a stopGracePeriod other than 0s, delete removes the service, then waits for each of its task containers (on the engine the provider talks to) to be removed, for up to that period each",
        source: `${FUNCS} deleteService (TaskList before ServiceRemove, then ContainerWait "removed" with a timeout of stop_grace_period, then ContainerRemove)`,
        plan: { quick: { op: "delete" }, stubborn: SAME },
    },
    deleteTimesOut: {
        behaviour: "a task that does not exit on SIGTERM is still there when the wait ends (Swarm stops it only after the same period), so the delete fails although the service is already gone from Docker",
        source: `${FUNCS} deleteService (containerWaitErrChan: "error on wait for container with ID '<id>': context deadline exceeded")`,
        plan: { stubborn: { op: "delete" } },
        error: /deleting urn:pulumi:stop::ade-swfid::docker:index\/service:Service::stubborn: 1 error occurred:\s+\* error on wait for container with ID '\w+': context deadline exceeded/,
    },
    deleteGone: {
        behaviour: "deleting a service Docker no longer has fails until a refresh has read it as gone; with a stopGracePeriod it fails already when it lists the service's tasks, with Docker's answer",
        source: `${FUNCS} deleteService (TaskList filtered by the service's name, its error returned as is; without a grace period, ServiceRemove's: "Error deleting service with ID '<id>': ...")`,
        plan: { stubborn: { op: "delete" } },
        error: /deleting urn:pulumi:stop::ade-swfid::docker:index\/service:Service::stubborn: 1 error occurred:\s+\* Error response from daemon: service ade-swfid-stubborn not found/,
    },
    withoutConvergeConfig: {
        behaviour: "without a convergeConfig, create returns as soon as Docker accepts the service, whether or not its tasks ever run",
        source: `${FUNCS} resourceDockerServiceCreate (no wait unless converge_config is set)`,
        plan: { lazy: CREATE },
    },
    didNotConverge: {
        behaviour: "with a convergeConfig, a service whose tasks do not run within the timeout is deleted and the create fails naming it",
        source: `${FUNCS} resourceDockerServiceCreate (on a wait error deleteService, then DidNotConvergeError: "Service with ID (<id>) did not converge after <timeout>")`,
        plan: { lazy: SAME, strict: CREATE },
        error: /Service with ID \(\w+\) did not converge after 15s/,
    },
    drift: {
        behaviour: "inputs Docker or the provider reads back differently plan a change on every update: an overlay network's options (Docker adds com.docker.network.driver.overlay.vxlanid_list) replace it unless ignoreChanges covers them; a restartPolicy without delay and window updates the service (Docker reads back 0s: pulumi-docker #1285); an image without a tag updates it (the Docker client adds :latest); config data not in Docker's base64 form replaces the config",
        source: `${KREUZWERKER}/resource_docker_network_funcs.go resourceDockerNetworkReadRefreshFunc (options read back whole; options ForceNew+Computed in resource_docker_network.go); ${STRUCTURES} createRestartPolicy (delay and window always sent) and flattenTaskRestartPolicy; docker/docker@v28.5.2 client/service_create.go imageWithTagString; ${KREUZWERKER}/resource_docker_config.go resourceDockerConfigRead (base64.StdEncoding of the data)`,
        plan: DRIFT,
    },
    pinnedAtCreate: {
        behaviour: "create asks the image's registry for its digest (the Docker client's QueryRegistry): when the registry answers, the service runs the image pinned to it and placement gets the image's platforms, which the next preview plans away as an update (image and placement.platforms are not Computed); the update does not ask the registry, so after it the service plans no change",
        source: `${FUNCS} resourceDockerServiceCreate (serviceOptions.QueryRegistry = true) and resourceDockerServiceUpdate (no QueryRegistry); docker/docker@v28.5.2 client/service_create.go resolveContainerSpecImage (imageWithDigestString, Placement.Platforms)`,
        plan: { pinned: { op: "update", diff: { taskSpec: "update" } } },
    },
    pinnedAfterUpdate: {
        behaviour: "after that update the service runs the image by its tag, without platforms, and plans no change",
        source: `${FUNCS} resourceDockerServiceUpdate (ServiceUpdate without QueryRegistry; the Docker client only adds a missing tag)`,
        plan: { pinned: SAME },
    },
    networkByName: {
        behaviour: "a service given its network by name reads it back by id (Docker stores the network's ID): every networksAdvanceds field is ForceNew, so every update plans a replacement, which then fails because the new service is created before the old one is deleted and Docker refuses the name",
        source: `${SERVICE} (networks_advanced name/id/aliases/driver_opts ForceNew; "Using the name attribute of the docker network will lead to constant replacements"), ${STRUCTURES} flattenTaskNetworksAdvanced (id = Target), pulumi-docker@v5.0.0:provider/resources.go (docker_service: no DeleteBeforeReplace)`,
        plan: { net: SAME, byName: { op: "replace", diff: { taskSpec: "update-replace" } } },
        error: /rpc error: code = AlreadyExists desc = name conflicts with an existing object/,
    },
    secretSameName: {
        behaviour: "a secret whose data changes under the same name is replaced by creating the new one first, which Docker refuses: the up fails and the old secret stays",
        source: `${KREUZWERKER}/resource_docker_secret.go (data ForceNew; resourceDockerSecretCreate returns Docker's error), pulumi-docker@v5.0.0:provider/resources.go (no DeleteBeforeReplace)`,
        plan: { shared: { op: "replace", diff: { data: "update-replace" } } },
        error: /rpc error: code = AlreadyExists desc = secret ade-swfid-shared already exists/,
    },
    secretInUse: {
        behaviour: "deleting a secret a service still uses fails with Docker's error, without retrying; the secret stays in Docker and in the state",
        source: `${KREUZWERKER}/resource_docker_secret.go resourceDockerSecretDelete (SecretRemove error returned as is); pulumi-terraform-bridge@v3.126.0 Delete ("deleting <urn>: ...")`,
        error: /deleting urn:pulumi:shared::ade-swfid::docker:index\/secret:Secret::shared: 1 error occurred:\s+\* Error response from daemon: rpc error: code = InvalidArgument desc = secret 'ade-swfid-shared' is in use by the following service: ade-swfid-hand/,
    },
} satisfies Record<string, Expectation>;
