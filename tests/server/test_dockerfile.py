"""The Dockerfile's steps, run without a Docker daemon.

Each instruction is replayed under a temporary folder standing in for the image's root (``/opt``
becomes ``<tmp>/root/opt``): COPY copies from the checkout, RUN runs the pip steps in a fresh
venv, and the CMD is started on loopback against a small simulated dataset mounted where
``MARMOT_DATA_DIR`` says, until the HEALTHCHECK command passes. Steps that need root (useradd)
are checked, not run.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from .conftest import LOOPBACK, REPO_ROOT, free_port, request

DOCKERFILE = REPO_ROOT / "Dockerfile"
NEEDS_ROOT = ("useradd", "apt-get")  # changes the image's system; nothing to replay here


def instructions(text: str) -> list[tuple[str, str]]:
    """(KEYWORD, arguments) per instruction, continuation lines joined, comments dropped."""
    steps = []
    for line in re.sub(r"\\\n", " ", text).splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            steps.append((keyword.upper(), rest.strip()))
    return steps


class Image:
    """The image's file system and environment, under ``root``."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.workdir = root
        self.env: dict[str, str] = {}
        self.user = "root"
        self.volumes: list[str] = []
        self.cmd: list[str] = []
        self.healthcheck: list[str] = []
        self.stages = 0

    def path(self, text: str) -> str:
        """A container path (or text holding some) as a path under ``root``."""
        return re.sub(r"(?<![\w.$])/(?=opt|src|app|data)", f"{self.root}/", text)

    def host(self, path: str) -> Path:
        return Path(self.path(path)) if path.startswith("/") else self.workdir / path

    def run(self, keyword: str, args: str) -> None:
        getattr(self, f"do_{keyword.lower()}")(args)

    def do_from(self, args: str) -> None:
        self.stages += 1
        self.workdir, self.env = self.root, {}

    def do_workdir(self, args: str) -> None:
        self.workdir = self.host(args)
        self.workdir.mkdir(parents=True, exist_ok=True)

    def do_env(self, args: str) -> None:
        for pair in shlex.split(args):
            name, _, value = pair.partition("=")
            self.env[name] = self.path(value).replace("$PATH", os.environ["PATH"])

    def do_copy(self, args: str) -> None:
        *sources, dest = shlex.split(args)
        base = REPO_ROOT
        if sources[0].startswith("--from="):
            sources, base = sources[1:], self.root
        target = self.host(dest)
        for source in sources:
            origin = Path(self.path(source)) if source.startswith("/") else base / source
            into = target / origin.name if dest.endswith("/") else target
            if origin.resolve() == into.resolve():
                continue  # --from a stage with the same root: already there
            into.parent.mkdir(parents=True, exist_ok=True)
            if origin.is_dir():
                shutil.copytree(origin, into, dirs_exist_ok=True,
                                ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(origin, into)

    def do_run(self, args: str) -> None:
        if args.startswith(NEEDS_ROOT):
            return
        env = {**os.environ, **self.env}
        subprocess.run(["bash", "-euc", self.path(args)], cwd=self.workdir, env=env,
                       check=True, timeout=1200)

    def do_user(self, args: str) -> None:
        self.user = args

    def do_volume(self, args: str) -> None:
        self.volumes.append(args)

    def do_expose(self, args: str) -> None:
        pass

    def do_healthcheck(self, args: str) -> None:
        self.healthcheck = json.loads(args[args.index("CMD") + 3:])

    def do_cmd(self, args: str) -> None:
        self.cmd = json.loads(args)


def test_dockerfile_is_small_non_root_and_checks_its_health() -> None:
    steps = instructions(DOCKERFILE.read_text(encoding="utf-8"))
    keywords = [keyword for keyword, _ in steps]
    assert keywords.count("FROM") >= 2  # multi-stage: no build tools in the final image
    final = steps[len(steps) - keywords[::-1].index("FROM"):]
    user = [args for keyword, args in final if keyword == "USER"]
    assert user and user[-1] not in ("root", "0")
    assert any(keyword == "HEALTHCHECK" and "/healthz" in args for keyword, args in final)
    assert dict(final)["CMD"] == '["gunicorn", "-c", "gunicorn.conf.py", "app:server"]'
    assert not any("demo" in args or "simulate" in args for _, args in steps)


@pytest.mark.slow
@pytest.mark.timeout(1500)
def test_dockerfile_steps_build_and_serve_a_mounted_dataset(tmp_path: Path,
                                                            demo_dataset_dir: Path) -> None:
    image = Image(tmp_path / "root")
    for keyword, args in instructions(DOCKERFILE.read_text(encoding="utf-8")):
        image.run(keyword, args)
    assert image.volumes == [image.env["MARMOT_DATA_DIR"].replace(str(image.root), "")]
    data_dir = Path(image.env["MARMOT_DATA_DIR"])
    shutil.copytree(demo_dataset_dir, data_dir)  # docker run -v my-dataset:/data
    port = free_port()
    home = tmp_path / "home"
    home.mkdir()
    env = {**os.environ, **image.env, "MARMOT_BIND": f"{LOOPBACK}:{port}",
           "WEB_CONCURRENCY": "2", "HOME": str(home)}
    executable = shutil.which(image.cmd[0], path=env["PATH"])
    assert executable and executable.startswith(str(image.root))  # the image's venv
    with (tmp_path / "container.log").open("w") as log:
        server = subprocess.Popen([executable, *image.cmd[1:]], cwd=image.workdir, env=env,
                                  stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while subprocess.run(image.healthcheck, env=env, capture_output=True,
                             timeout=10).returncode != 0:
            assert server.poll() is None, (tmp_path / "container.log").read_text()
            assert time.monotonic() < deadline, "the HEALTHCHECK never passed"
            time.sleep(1)
        status, _, body = request(f"http://{LOOPBACK}:{port}/readyz")
        assert status == 200 and json.loads(body)["illustrative"] is True
        assert request(f"http://{LOOPBACK}:{port}/")[0] == 200
    finally:
        server.terminate()
        server.wait(timeout=60)
