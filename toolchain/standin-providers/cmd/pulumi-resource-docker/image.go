package main

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"ade-platform/standin-providers/internal/standin"
	"github.com/pulumi/pulumi/sdk/v3/go/common/resource"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
)

// contextHashKey is the input Check adds: a hash of the files the build sends to
// Docker, so that a change of the sources alone rebuilds the image.
const contextHashKey = "contextHash"

// image: a local docker build. Any change rebuilds it as a new resource; Delete
// keeps the image, so the images of earlier releases stay available for rollbacks.
type image struct{}

type imageInputs struct {
	ImageName string `json:"imageName"`
	Build     struct {
		Context        string            `json:"context"`
		Dockerfile     string            `json:"dockerfile"`
		Args           map[string]string `json:"args"`
		BuilderVersion string            `json:"builderVersion"`
		Platform       string            `json:"platform"`
		Target         string            `json:"target"`
	} `json:"build"`
}

func (image) outputOnly() []string { return []string{"repoDigest", "baseImageName"} }

func (image) check(news resource.PropertyMap) error {
	build, ok := news["build"]
	if !ok || !build.IsObject() {
		return fmt.Errorf("docker.Image: the stand-in provider builds images only, and build.context is missing")
	}
	ctxDir := build.ObjectValue()["context"]
	if !ctxDir.IsString() {
		return nil // unknown during a preview: nothing to hash yet
	}
	dockerfile := ""
	if f := build.ObjectValue()["dockerfile"]; f.IsString() {
		dockerfile = f.StringValue()
	}
	hash, err := hashContext(ctxDir.StringValue(), dockerfile)
	if err != nil {
		return fmt.Errorf("docker.Image: cannot read the build context %s: %w", ctxDir.StringValue(), err)
	}
	news[contextHashKey] = resource.NewStringProperty(hash)
	return nil
}

func (image) diff(olds, news resource.PropertyMap, ignore []string) *pulumirpc.DiffResponse {
	return standin.Diff(standin.ChangedKeys(olds, news, ignore), true, nil, false)
}

func (image) create(ctx context.Context, news resource.PropertyMap, preview bool) (string, resource.PropertyMap, error) {
	outs := standin.Copy(news)
	outs["baseImageName"] = news["imageName"]
	if preview {
		// buildOnPreview is honoured as false: a preview never builds.
		outs["repoDigest"] = standin.Computed(resource.NewStringProperty(""))
		return "", outs, nil
	}
	var in imageInputs
	if err := standin.Decode(news, &in); err != nil {
		return "", nil, err
	}
	iid, err := os.CreateTemp("", "standin-image-id-")
	if err != nil {
		return "", nil, err
	}
	iid.Close()
	defer os.Remove(iid.Name())
	args := []string{"build", "--iidfile", iid.Name(), "-t", in.ImageName}
	keys := make([]string, 0, len(in.Build.Args))
	for k := range in.Build.Args {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		args = append(args, "--build-arg", k+"="+in.Build.Args[k])
	}
	if in.Build.Dockerfile != "" {
		args = append(args, "-f", in.Build.Dockerfile)
	}
	if in.Build.Target != "" {
		args = append(args, "--target", in.Build.Target)
	}
	if in.Build.Platform != "" {
		// The classic builder takes --platform only where the daemon supports it;
		// the daemon's own platform needs no flag.
		if own, err := standin.Docker(ctx, nil, "version", "--format", "{{.Server.Os}}/{{.Server.Arch}}"); err != nil || own != in.Build.Platform {
			args = append(args, "--platform", in.Build.Platform)
		}
	}
	buildkit := "DOCKER_BUILDKIT=0"
	if in.Build.BuilderVersion == "BuilderBuildKit" {
		buildkit = "DOCKER_BUILDKIT=1"
	}
	if _, err := standin.DockerEnv(ctx, []string{buildkit}, nil, append(args, in.Build.Context)...); err != nil {
		return "", nil, fmt.Errorf("building %s from %s: %w", in.ImageName, in.Build.Context, err)
	}
	raw, err := os.ReadFile(iid.Name())
	if err != nil {
		return "", nil, err
	}
	outs["repoDigest"] = resource.NewStringProperty("")
	return strings.TrimSpace(string(raw)), outs, nil
}

func (image) exists(ctx context.Context, id string) (bool, error) {
	return inspectExists(ctx, "image", id)
}

func (image) delete(context.Context, string, resource.PropertyMap) error { return nil }

// hashContext hashes the path, mode and contents of every file of the build
// context that .dockerignore lets through, plus the Dockerfile.
func hashContext(dir, dockerfile string) (string, error) {
	ignore, err := readDockerignore(filepath.Join(dir, ".dockerignore"))
	if err != nil {
		return "", err
	}
	h := sha256.New()
	addFile := func(name, path string, mode fs.FileMode) error {
		fmt.Fprintf(h, "%s\x00%o\x00", name, mode.Perm())
		if mode.IsRegular() {
			f, err := os.Open(path)
			if err != nil {
				return err
			}
			defer f.Close()
			if _, err := io.Copy(h, f); err != nil {
				return err
			}
		} else if mode&fs.ModeSymlink != 0 {
			target, err := os.Readlink(path)
			if err != nil {
				return err
			}
			io.WriteString(h, target)
		}
		h.Write([]byte{0})
		return nil
	}
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(dir, path)
		if rel == "." {
			return nil
		}
		rel = filepath.ToSlash(rel)
		if ignored(ignore, rel) {
			// A directory may still hold re-included entries (!dir/file).
			if d.IsDir() && !anyNegation(ignore) {
				return filepath.SkipDir
			}
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		return addFile(rel, path, info.Mode())
	})
	if err != nil {
		return "", err
	}
	if dockerfile == "" {
		dockerfile = filepath.Join(dir, "Dockerfile")
	}
	if info, err := os.Stat(dockerfile); err == nil {
		if err := addFile("\x00dockerfile", dockerfile, info.Mode()); err != nil {
			return "", err
		}
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

type ignorePattern struct {
	pattern string
	negate  bool
}

func readDockerignore(path string) ([]ignorePattern, error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var patterns []ignorePattern
	scanner := bufio.NewScanner(f)
	for scanner.Scan() {
		line := strings.TrimSpace(scanner.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		p := ignorePattern{}
		if strings.HasPrefix(line, "!") {
			p.negate, line = true, strings.TrimSpace(line[1:])
		}
		p.pattern = strings.TrimPrefix(filepath.ToSlash(filepath.Clean(line)), "/")
		patterns = append(patterns, p)
	}
	return patterns, scanner.Err()
}

// ignored follows Docker's rules in their common form: the last matching pattern
// wins, and a pattern that matches a directory matches everything under it. ("**"
// is matched like "*", which covers one path segment only.)
func ignored(patterns []ignorePattern, rel string) bool {
	result := false
	for _, p := range patterns {
		if matchesPathOrParent(p.pattern, rel) {
			result = !p.negate
		}
	}
	return result
}

func matchesPathOrParent(pattern, rel string) bool {
	parts := strings.Split(rel, "/")
	for i := len(parts); i >= 1; i-- {
		if ok, _ := filepath.Match(pattern, strings.Join(parts[:i], "/")); ok {
			return true
		}
	}
	return false
}

func anyNegation(patterns []ignorePattern) bool {
	for _, p := range patterns {
		if p.negate {
			return true
		}
	}
	return false
}
