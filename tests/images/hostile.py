#!/usr/bin/env python3
"""Writes qir's broken and hostile test images next to the good quic-go image.

    hostile.py QUIC_GO_OCI OUTDIR

Each image is an OCI layout (tag latest) that reuses the Debian layer of
QUIC_GO_OCI (its blob hard-linked, not copied) plus at most one tiny top layer
crafted here, so the lot costs a few kilobytes:

  no-entrypoint.oci   config with neither Entrypoint nor Cmd
  no-config.oci       manifest without a config descriptor
  dotdot.oci          a layer entry ../../escape-dotdot
  symlink-escape.oci  evil -> / then evil/tmp/qir-escape-symlink; evil2 ->
                      ../../../.. then evil2/tmp/qir-escape-symlink2
  hang.oci            hostile/hang.sh: never exits, ignores SIGTERM, leaves
                      daemons (sleep 1000 &, a setsid'd sleep 1001)
  escape.oci          hostile/escape.sh: tries to leave the sandbox, logs each
                      try to /logs/escape.log, exits 127
  quic-go-mixed.oci   quic-go with its top layer zstd-compressed (taken from
                      quic-go-zstd.oci when present), the others gzip
  truncated.docker.tar  a docker-archive whose only layer blob is cut in half

The images that are not about a broken config run /bin/sh -c 'exit 127' (or
their script), so a runner that got past the fault sees "unsupported".
"""

import gzip
import hashlib
import io
import json
import os
import sys
import tarfile

OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json"
OCI_CONFIG = "application/vnd.oci.image.config.v1+json"
OCI_LAYER_GZIP = "application/vnd.oci.image.layer.v1.tar+gzip"
PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
HERE = os.path.dirname(os.path.abspath(__file__))


def sha256(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


class Layout:
    """An OCI image layout being written: blobs, one manifest, tag latest."""

    def __init__(self, path):
        self.path = path
        os.makedirs(os.path.join(path, "blobs", "sha256"), exist_ok=True)
        with open(os.path.join(path, "oci-layout"), "w") as f:
            json.dump({"imageLayoutVersion": "1.0.0"}, f)

    def blob_path(self, digest):
        return os.path.join(self.path, "blobs", "sha256", digest.split(":", 1)[1])

    def add_blob(self, data, media_type):
        digest = sha256(data)
        with open(self.blob_path(digest), "wb") as f:
            f.write(data)
        return {"mediaType": media_type, "digest": digest, "size": len(data)}

    def link_blob(self, source, descriptor):
        """Shares a blob of the layout `source` (a hard link)."""
        target = self.blob_path(descriptor["digest"])
        if not os.path.exists(target):
            os.link(source.blob_path(descriptor["digest"]), target)
        return dict(descriptor)

    def add_json(self, obj, media_type):
        return self.add_blob(json.dumps(obj, indent=1).encode(), media_type)

    def finish(self, manifest):
        descriptor = self.add_json(manifest, OCI_MANIFEST)
        descriptor["annotations"] = {"org.opencontainers.image.ref.name": "latest"}
        with open(os.path.join(self.path, "index.json"), "w") as f:
            json.dump({"schemaVersion": 2, "manifests": [descriptor]}, f)


def read_layout(path):
    """Returns (Layout, manifest, config) of the image tagged latest in path."""
    layout = Layout.__new__(Layout)
    layout.path = path
    with open(os.path.join(path, "index.json")) as f:
        index = json.load(f)
    ref = "org.opencontainers.image.ref.name"
    descriptor = next(m for m in index["manifests"] if m.get("annotations", {}).get(ref) == "latest")
    with open(layout.blob_path(descriptor["digest"])) as f:
        manifest = json.load(f)
    with open(layout.blob_path(manifest["config"]["digest"])) as f:
        config = json.load(f)
    return layout, manifest, config


def tar_layer(entries):
    """A layer tar from (name, kind, payload, mode): kind "file" (payload bytes)
    or "symlink" (payload the target). Names are written exactly as given."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name, kind, payload, mode in entries:
            info = tarfile.TarInfo(name)
            info.mode = mode
            info.mtime = 0
            if kind == "symlink":
                info.type = tarfile.SYMTYPE
                info.linkname = payload
                tar.addfile(info)
            else:
                info.size = len(payload)
                tar.addfile(info, io.BytesIO(payload))
    return buffer.getvalue()


def script_layer(name, path):
    with open(path, "rb") as f:
        return tar_layer([(name, "file", f.read(), 0o755)])


def image_config(base_config, diff_ids, entrypoint):
    config = {"Env": [PATH_ENV, "QIR_TEST_IMAGE=1"]}
    if entrypoint is not None:
        config["Entrypoint"] = entrypoint
    return {
        "architecture": base_config.get("architecture", "amd64"),
        "os": "linux",
        "config": config,
        "rootfs": {"type": "layers", "diff_ids": diff_ids},
    }


def write_image(out, name, base, top_tar=None, entrypoint=("/bin/sh", "-c", "exit 127"),
                with_config=True):
    """base = (Layout, manifest, config) of the good image; its first layer is
    the Debian root. top_tar: an uncompressed layer tar or None."""
    source, manifest, config = base
    layout = Layout(os.path.join(out, name))
    layers = [layout.link_blob(source, manifest["layers"][0])]
    diff_ids = [config["rootfs"]["diff_ids"][0]]
    if top_tar is not None:
        layers.append(layout.add_blob(gzip.compress(top_tar, mtime=0), OCI_LAYER_GZIP))
        diff_ids.append(sha256(top_tar))
    new_manifest = {"schemaVersion": 2, "mediaType": OCI_MANIFEST, "layers": layers}
    if with_config:
        entry = list(entrypoint) if entrypoint is not None else None
        new_manifest["config"] = layout.add_json(image_config(config, diff_ids, entry), OCI_CONFIG)
    layout.finish(new_manifest)


def write_mixed(out, base):
    """quic-go with its top layer zstd (from quic-go-zstd.oci), the rest gzip."""
    zstd_path = os.path.join(out, "quic-go-zstd.oci")
    if not os.path.exists(os.path.join(zstd_path, "index.json")):
        return False
    source, manifest, config = base
    zstd, zstd_manifest, _ = read_layout(zstd_path)
    layout = Layout(os.path.join(out, "quic-go-mixed.oci"))
    layers = [layout.link_blob(source, d) for d in manifest["layers"][:-1]]
    layers.append(layout.link_blob(zstd, zstd_manifest["layers"][-1]))
    new_manifest = dict(manifest, layers=layers)
    new_manifest["config"] = layout.link_blob(source, manifest["config"])
    layout.finish(new_manifest)
    return True


def write_truncated_docker_archive(path):
    """A docker-archive (docker save's layout) whose one layer, a ~256 KiB tar,
    is stored with only its first half; config and manifest describe the whole."""
    filler = hashlib.shake_256(b"qir truncated layer").digest(256 * 1024)
    layer = tar_layer([
        ("run.sh", "file", b"#!/bin/sh\nexit 127\n", 0o755),
        ("filler.bin", "file", filler, 0o644),
    ])
    diff_id = sha256(layer)
    config = {
        "architecture": "amd64", "os": "linux",
        "config": {"Env": [PATH_ENV], "Entrypoint": ["/run.sh"]},
        "rootfs": {"type": "layers", "diff_ids": [diff_id]},
    }
    config_bytes = json.dumps(config).encode()
    config_name = sha256(config_bytes).split(":")[1] + ".json"
    layer_name = diff_id.split(":")[1] + ".tar"
    manifest = [{"Config": config_name, "RepoTags": ["qir-test/truncated:latest"], "Layers": [layer_name]}]
    members = [
        (layer_name, layer[: len(layer) // 2]),
        (config_name, config_bytes),
        ("manifest.json", json.dumps(manifest).encode()),
    ]
    with tarfile.open(path, "w", format=tarfile.PAX_FORMAT) as tar:
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size, info.mode, info.mtime = len(data), 0o444, 0
            tar.addfile(info, io.BytesIO(data))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: hostile.py QUIC_GO_OCI OUTDIR")
    base = read_layout(sys.argv[1])
    out = sys.argv[2]
    exit127 = ("/bin/sh", "-c", "exit 127")
    write_image(out, "no-entrypoint.oci", base, entrypoint=None)
    write_image(out, "no-config.oci", base, with_config=False)
    write_image(out, "dotdot.oci", base, tar_layer([
        ("../../escape-dotdot", "file", b"qir: written through ../..\n", 0o644),
    ]), exit127)
    write_image(out, "symlink-escape.oci", base, tar_layer([
        ("evil", "symlink", "/", 0o777),
        ("evil/tmp/qir-escape-symlink", "file", b"qir: written through evil -> /\n", 0o644),
        ("evil2", "symlink", "../../../..", 0o777),
        ("evil2/tmp/qir-escape-symlink2", "file", b"qir: written through evil2 -> ../../../..\n", 0o644),
    ]), exit127)
    write_image(out, "hang.oci", base, script_layer("hang.sh", os.path.join(HERE, "hostile", "hang.sh")),
                ("/hang.sh",))
    write_image(out, "escape.oci", base, script_layer("escape.sh", os.path.join(HERE, "hostile", "escape.sh")),
                ("/escape.sh",))
    mixed = write_mixed(out, base)
    write_truncated_docker_archive(os.path.join(out, "truncated.docker.tar"))
    names = "no-entrypoint no-config dotdot symlink-escape hang escape" + (" quic-go-mixed" if mixed else "")
    print("test-images: hostile images written: " + ", ".join(n + ".oci" for n in names.split())
          + ", truncated.docker.tar")


if __name__ == "__main__":
    main()
