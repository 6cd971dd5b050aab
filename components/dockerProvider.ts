/**
 * The Docker engine a stack deploys to, and how its registry is reached: the
 * local engine by default (or DOCKER_HOST), a remote Swarm manager when the
 * config names one.
 */
import * as docker from "@pulumi/docker";
import * as pulumi from "@pulumi/pulumi";
import { registryAddress } from "../release/registry";

export interface DockerProviderArgs {
    /** `unix:///var/run/docker.sock`, `tcp://host:2376`, `ssh://user@host`; the local engine (or DOCKER_HOST) when absent. */
    readonly host?: string;
    /** Registry address (`127.0.0.1:5000`, `ghcr.io/acme`) the stack's releases come from. */
    readonly registry?: string;
    readonly registryUsername?: string;
    readonly registryPassword?: pulumi.Input<string>;
}

/** The one docker provider every resource and every lookup of the stack goes through. */
export function dockerProvider(name: string, args: DockerProviderArgs): docker.Provider {
    const registry = args.registry;
    return new docker.Provider(name, {
        host: args.host,
        registryAuth:
            registry === undefined
                ? undefined
                : [
                      {
                          address: registryAddress(registry),
                          username: args.registryUsername,
                          password: args.registryPassword === undefined ? undefined : pulumi.secret(args.registryPassword),
                          authDisabled: args.registryUsername === undefined,
                      },
                  ],
    });
}
