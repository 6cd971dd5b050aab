# Reading the recipes under toolchain/images/<name>/recipe.sh without running
# their build steps. Source it after common.sh.
# shellcheck shell=bash

all_names() {
  local recipe
  for recipe in "$IMAGES_DIR"/*/recipe.sh; do
    [ -f "$recipe" ] && basename "$(dirname "$recipe")"
  done
}

# Prints the IMAGE_REF a recipe declares.
recipe_ref() {
  (
    # shellcheck source=/dev/null
    source "$IMAGES_DIR/$1/recipe.sh"
    [ -n "${IMAGE_REF:-}" ] || die "toolchain/images/$1/recipe.sh does not set IMAGE_REF"
    printf '%s\n' "$IMAGE_REF"
  )
}

# Prints the public image references a recipe's image stands in for, one a line
# (IMAGE_STANDS_FOR; none for an image that is only used by tests).
recipe_stands_for() {
  (
    IMAGE_STANDS_FOR=()
    # shellcheck source=/dev/null
    source "$IMAGES_DIR/$1/recipe.sh"
    [ "${#IMAGE_STANDS_FOR[@]}" -eq 0 ] || printf '%s\n' "${IMAGE_STANDS_FOR[@]}"
  )
}

# Accepts "postgres", "ade-local/postgres" or "ade-local/postgres:15-1".
resolve_name() {
  local arg="$1" name
  name="${arg#ade-local/}"
  name="${name%%:*}"
  if [ ! -f "$IMAGES_DIR/$name/recipe.sh" ]; then
    die "unknown image '$arg'; known images: $(all_names | tr '\n' ' ')"
  fi
  if [[ "$arg" == *:* ]] && [ "$arg" != "$(recipe_ref "$name")" ]; then
    die "image '$arg' is not the current recipe's tag ($(recipe_ref "$name")); pass the short name '$name'"
  fi
  printf '%s\n' "$name"
}

# A hash of everything in the image's directory that goes into the image. The
# IMAGE_STANDS_FOR line is left out: it changes the mirror map, not the image.
recipe_hash() {
  (
    cd "$IMAGES_DIR/$1" &&
      find . -type f -print0 | LC_ALL=C sort -z |
      while IFS= read -r -d '' file; do
        if [ "$file" = ./recipe.sh ]; then
          printf '%s  %s\n' "$(grep -v '^IMAGE_STANDS_FOR=' "$file" | sha256sum | cut -d' ' -f1)" "$file"
        else
          sha256sum "$file"
        fi
      done | sha256sum | cut -c1-16
  )
}
