/** Where the project's own files are, whether its code runs from the sources or from the build in dist/. */
import * as fs from "fs";
import * as path from "path";

/** The directory holding Pulumi.yaml and package.json above `start`. */
export function sourceRoot(start: string = __dirname): string {
    for (let dir = path.resolve(start); ; dir = path.dirname(dir)) {
        if (fs.existsSync(path.join(dir, "Pulumi.yaml")) && fs.existsSync(path.join(dir, "package.json"))) return dir;
        if (path.dirname(dir) === dir) throw new Error(`no project root (Pulumi.yaml and package.json) above ${start}`);
    }
}

/** The project this code belongs to: its scripts, build contexts and stack files are found from here. */
export const SOURCE_ROOT = sourceRoot();
