package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"

	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

// contextDigest is hashContext of pulumi-docker 5.0.0 (provider/provider.go):
// the Dockerfile's contents under the name "Dockerfile", then every file of the
// context that the ignore file lets through, in lexical order, each as its
// path, its mode and the hash of its contents (a symlink: of its target path).
// The same algorithm gives the same digest, so a state moves between the real
// provider and the stand-in without a spurious rebuild.
func contextDigest(contextDir, dockerfile string) (string, error) {
	patterns, err := ignorePatterns(dockerfile, contextDir)
	if err != nil {
		return "", err
	}
	var acc bytes.Buffer
	if err := hashPath(&acc, dockerfile, "Dockerfile", 0); err != nil {
		return "", fmt.Errorf("error hashing dockerfile %q: %w", dockerfile, err)
	}
	pm, err := patternmatcher.New(patterns)
	if err != nil {
		return "", fmt.Errorf("unable to hash build context: %w", err)
	}
	err = filepath.WalkDir(contextDir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(contextDir, p)
		if err != nil || rel == "." {
			return err
		}
		excluded, err := pm.MatchesOrParentMatches(filepath.ToSlash(rel))
		if err != nil {
			return err
		}
		if excluded {
			if d.IsDir() && !pm.Exclusions() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		if err := hashPath(&acc, p, rel, info.Mode()); err != nil {
			return fmt.Errorf("error while hashing %q: %w", rel, err)
		}
		return nil
	})
	if err != nil {
		return "", fmt.Errorf("unable to hash build context: %w", err)
	}
	sum := sha256.Sum256(acc.Bytes())
	return hex.EncodeToString(sum[:]), nil
}

func hashPath(acc *bytes.Buffer, file, name string, mode fs.FileMode) error {
	h := sha256.New()
	switch {
	case mode.Type() == fs.ModeSymlink:
		target, err := filepath.EvalSymlinks(file)
		if err != nil {
			return fmt.Errorf("could not evaluate symlink at %s: %w", file, err)
		}
		io.WriteString(h, filepath.ToSlash(filepath.Clean(target)))
	case mode.IsRegular():
		f, err := os.Open(file)
		if err != nil {
			return fmt.Errorf("could not open file %s: %w", file, err)
		}
		defer f.Close()
		if _, err := io.Copy(h, f); err != nil {
			return fmt.Errorf("could not copy file %s to hash: %w", file, err)
		}
	}
	acc.WriteString(filepath.ToSlash(path.Clean(name)))
	acc.WriteString(mode.String())
	acc.Write(h.Sum(nil))
	acc.WriteByte(0)
	return nil
}

// ignorePatterns reads <Dockerfile>.dockerignore, else the context's .dockerignore.
func ignorePatterns(dockerfile, contextDir string) ([]string, error) {
	for _, p := range []string{dockerfile + ".dockerignore", filepath.Join(contextDir, ".dockerignore")} {
		f, err := os.Open(p)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("reading %q: %w", p, err)
		}
		defer f.Close()
		patterns, err := ignorefile.ReadAll(f)
		if err != nil {
			return nil, fmt.Errorf("unable to parse %q: %w", p, err)
		}
		return patterns, nil
	}
	return nil, nil
}

// relativeDockerfile is the Dockerfile's path within the context, as Docker's
// build client reports it ("Dockerfile", or "../x" for one outside).
func relativeDockerfile(contextDir, dockerfile string) string {
	absContext, err1 := filepath.Abs(contextDir)
	absFile, err2 := filepath.Abs(dockerfile)
	if err1 != nil || err2 != nil {
		return dockerfile
	}
	rel, err := filepath.Rel(absContext, absFile)
	if err != nil {
		return dockerfile
	}
	return strings.TrimPrefix(filepath.ToSlash(rel), "./")
}
