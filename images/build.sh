#!/usr/bin/env bash
# images/build.sh: builds Quarkube's own container images without Docker, as OCI image layouts, and pushes image
# layouts or archives to a registry. Used by ./quarkube up (see images/README.md).
#
#   images/build.sh build IMAGE OUT_DIR             write an OCI image layout (one image, tag = the image's version)
#   images/build.sh push SOURCE REGISTRY/REPO:TAG   push an OCI layout dir, an OCI archive or a docker-archive tar
#   images/build.sh version IMAGE                   the tag the image gets
# IMAGE is pause, busybox, netexec, etcd or nonewprivs (images/README.md).
#
# The image layout is written by hand (it is small: a gzipped tar layer, a config, a manifest, an index); the push is
# skopeo's (Debian package), over plain HTTP to the local registry only.
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"

die() { printf 'images/build.sh: %s\n' "$*" >&2; exit 1; }

sha256_of() { sha256sum "$1" | cut -d' ' -f1; }
size_of() { stat -c %s "$1"; }

# json_array A B C -> ["A","B","C"] (the arguments contain no quotes or backslashes: they are ours).
json_array() {
  local out="" item
  for item in "$@"; do out+="${out:+,}\"$item\""; done
  printf '[%s]' "$out"
}

etcd_version() { etcd --version 2>/dev/null | sed -n 's/^etcd Version: *\([0-9][0-9.]*\).*/\1/p'; }

busybox_version() { busybox 2>&1 | sed -n '1s/^BusyBox v\([0-9][0-9.]*\).*/\1/p'; }

image_version() {
  case "$1" in
    pause) echo "1.0" ;;
    busybox) busybox_version ;;
    netexec) echo "1.0" ;;
    etcd) etcd_version ;;
    nonewprivs) echo "1.0" ;;
    *) die "unknown image $1 (pause, busybox, netexec, etcd, nonewprivs)" ;;
  esac
}

# rootfs_pause DIR: /pause, a static binary built from pause/pause.c.
rootfs_pause() {
  local root=$1
  command -v gcc >/dev/null || die "gcc is needed to build the pause image (apt-get install gcc libc6-dev)"
  gcc -static -Os -s -o "$root/pause" "$HERE/pause/pause.c"
}

# rootfs_netexec DIR: /netexec, a static binary built from netexec/netexec.c (HTTP and UDP hostname/echo server and
# a UDP client: what busybox lacks for the network tests).
rootfs_netexec() {
  local root=$1
  command -v gcc >/dev/null || die "gcc is needed to build the netexec image (apt-get install gcc libc6-dev)"
  gcc -static -Os -s -o "$root/netexec" "$HERE/netexec/netexec.c"
}

# rootfs_busybox DIR: Debian's static busybox with one symlink per applet (merged /usr), a passwd/group with root and
# nobody, /tmp, and a page for httpd. Shell, httpd, nc, wget, sleep... make it the project's test image.
rootfs_busybox() {
  local root=$1 applet
  local bin; bin=$(command -v busybox) || die "busybox is needed (apt-get install busybox-static)"
  file -L "$bin" 2>/dev/null | grep -q 'statically linked' || ldd "$bin" 2>&1 | grep -q 'not a dynamic' ||
    die "$bin is not statically linked (apt-get install busybox-static)"
  mkdir -p "$root/bin" "$root/etc" "$root/tmp" "$root/root" "$root/var/www" "$root/home" "$root/usr" "$root/proc" \
    "$root/sys" "$root/dev"
  chmod 1777 "$root/tmp"
  chmod 700 "$root/root"
  cp "$bin" "$root/bin/busybox"
  for applet in $("$bin" --list); do
    [[ "$applet" == busybox ]] || ln -s busybox "$root/bin/$applet"
  done
  ln -s bin "$root/sbin"
  ln -s ../bin "$root/usr/bin"
  ln -s ../bin "$root/usr/sbin"
  printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n' >"$root/etc/passwd"
  printf 'root:x:0:\nnobody:x:65534:\n' >"$root/etc/group"
  printf 'hello from quarkube/busybox\n' >"$root/var/www/index.html"
}

# rootfs_etcd DIR: the host's etcd (Debian's etcd-server) at upstream's image path /usr/local/bin/etcd, with the
# only libraries it links (libc and the loader), and /tmp. It serves grpc.health.v1 on its client port: the server
# of upstream's gRPC probe tests.
rootfs_etcd() {
  local root=$1 lib
  local bin; bin=$(command -v etcd) || die "etcd is needed (apt-get install etcd-server)"
  mkdir -p "$root/usr/local/bin" "$root/tmp" "$root/etc" "$root/proc" "$root/sys" "$root/dev"
  chmod 1777 "$root/tmp"
  cp "$bin" "$root/usr/local/bin/etcd"
  for lib in $(ldd "$bin" | grep -o '/[^ ]*'); do
    mkdir -p "$root$(dirname "$lib")"
    cp -L "$lib" "$root$lib"
  done
  printf 'root:x:0:0:root:/root:/bin/false\n' >"$root/etc/passwd"
}

# rootfs_nonewprivs DIR: /usr/local/bin/nnp, a static binary from nonewprivs/nnp.c owned by root with the setuid bit
# (the tar keeps both), printing its effective uid: upstream's nonewprivs image.
rootfs_nonewprivs() {
  local root=$1
  command -v gcc >/dev/null || die "gcc is needed to build the nonewprivs image (apt-get install gcc libc6-dev)"
  mkdir -p "$root/usr/local/bin"
  gcc -static -Os -s -o "$root/usr/local/bin/nnp" "$HERE/nonewprivs/nnp.c"
  chmod 4755 "$root/usr/local/bin/nnp"
}

# config_of NAME DIFF_ID: the OCI image config.
config_of() {
  local name=$1 diff_id=$2 entrypoint cmd
  case "$name" in
    pause) entrypoint=$(json_array /pause) cmd="null" ;;
    busybox) entrypoint="null" cmd=$(json_array sh) ;;
    netexec) entrypoint=$(json_array /netexec) cmd="null" ;;
    etcd) entrypoint="null" cmd=$(json_array /usr/local/bin/etcd) ;;
    nonewprivs) entrypoint=$(json_array /usr/local/bin/nnp) cmd="null" ;;
  esac
  printf '{"created":"1970-01-01T00:00:00Z","architecture":"amd64","os":"linux",'
  printf '"config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],'
  printf '"Entrypoint":%s,"Cmd":%s,"WorkingDir":"/"},' "$entrypoint" "$cmd"
  printf '"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},' "$diff_id"
  printf '"history":[{"created":"1970-01-01T00:00:00Z","created_by":"quarkube images/build.sh %s"}]}' "$name"
}

# cmd_build NAME OUT: a one-layer OCI image layout in OUT, tagged with the image's version. Same inputs, same digest
# (sorted tar, fixed times and owners, gzip without a name or time).
cmd_build() {
  local name=$1 out=$2 version
  version=$(image_version "$name")
  [[ -n "$version" ]] || die "cannot tell the version of $name"
  local work; work=$(mktemp -d)
  trap 'rm -rf "$work"' RETURN
  mkdir -p "$work/rootfs"
  "rootfs_$name" "$work/rootfs"
  tar --sort=name --mtime=@0 --owner=0 --group=0 --numeric-owner --format=gnu -C "$work/rootfs" -cf "$work/layer.tar" .
  local diff_id; diff_id=$(sha256_of "$work/layer.tar")
  gzip -n -9 "$work/layer.tar"
  rm -rf "$out"
  mkdir -p "$out/blobs/sha256"
  local layer; layer=$(sha256_of "$work/layer.tar.gz")
  mv "$work/layer.tar.gz" "$out/blobs/sha256/$layer"
  config_of "$name" "$diff_id" >"$work/config.json"
  local config; config=$(sha256_of "$work/config.json")
  mv "$work/config.json" "$out/blobs/sha256/$config"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json",'\
'"config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},'\
'"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d}]}' \
    "$config" "$(size_of "$out/blobs/sha256/$config")" "$layer" "$(size_of "$out/blobs/sha256/$layer")" >"$work/manifest.json"
  local manifest; manifest=$(sha256_of "$work/manifest.json")
  local manifest_size; manifest_size=$(size_of "$work/manifest.json")
  mv "$work/manifest.json" "$out/blobs/sha256/$manifest"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":'\
'"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":'\
'{"org.opencontainers.image.ref.name":"%s"}}]}' "$manifest" "$manifest_size" "$version" >"$out/index.json"
  echo "sha256:$manifest"
}

# cmd_push SOURCE REF: SOURCE is an OCI layout folder (its only or first image), an OCI archive (.tar with
# index.json) or a docker-archive (docker save) tar. REF is host:port/repo:tag of a plain-HTTP registry.
cmd_push() {
  local source=$1 ref=$2 transport
  command -v skopeo >/dev/null || die "skopeo is needed (apt-get install skopeo)"
  if [[ -d "$source" ]]; then
    [[ -f "$source/index.json" ]] || die "$source is a folder but not an OCI image layout (no index.json)"
    transport="oci:$source"
  elif [[ -f "$source" ]]; then
    if tar -tf "$source" 2>/dev/null | grep -qx 'index.json\|./index.json'; then
      transport="oci-archive:$source"
    elif tar -tf "$source" 2>/dev/null | grep -qx 'manifest.json\|./manifest.json'; then
      transport="docker-archive:$source"
    else
      die "$source is neither an OCI archive nor a docker-archive tar"
    fi
  else
    die "no such file or folder: $source"
  fi
  skopeo --insecure-policy copy --quiet --retry-times 2 --dest-tls-verify=false "$transport" "docker://$ref"
}

case "${1:-}" in
  build) (($# == 3)) || die "usage: build IMAGE OUT_DIR"; cmd_build "$2" "$3" ;;
  push) (($# == 3)) || die "usage: push SOURCE REGISTRY/REPO:TAG"; cmd_push "$2" "$3" ;;
  version) (($# == 2)) || die "usage: version IMAGE"; image_version "$2" ;;
  *) die "usage: build IMAGE OUT_DIR | push SOURCE REGISTRY/REPO:TAG | version IMAGE" ;;
esac
