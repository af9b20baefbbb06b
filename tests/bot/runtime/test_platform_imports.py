"""A platform's libraries load only when its table is in the config: a Slack-only serve (or a
check-config) never loads wechatpy and the WeCom client, a WeCom-only one never loads Bolt
(each is several MB of resident memory)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from tests.conftest import EXAMPLE

PROBE = textwrap.dedent('''
    import dataclasses, json, sys
    from pathlib import Path
    from bot.runtime import config as config_mod, serve
    from bot.runtime.app import build
    from bot.runtime.clock import SystemClock
    settings = config_mod.load(Path(sys.argv[1]), sys.argv[2])
    table = json.loads(sys.argv[3])
    settings = dataclasses.replace(settings, raw={**settings.raw, **table})
    names = [p.name for p in serve.enabled_platforms(build(settings, SystemClock()), settings)]
    print(json.dumps({"platforms": names, "wechatpy": "wechatpy" in sys.modules,
                      "bolt": "slack_bolt" in sys.modules}))
''')


@pytest.mark.parametrize(("table", "env", "expected"), [
    ({"slack": {"mode": "http"}}, {"SLACK_BOT_TOKEN": "xoxb-t", "SLACK_SIGNING_SECRET": "s"},
     {"platforms": ["slack"], "wechatpy": False, "bolt": True}),
    ({"wecom": {"enabled": True}},
     {"WECOM_CORP_ID": "ww1", "WECOM_AGENT_ID": "1000002", "WECOM_SECRET": "s",
      "WECOM_TOKEN": "t", "WECOM_AES_KEY": "a" * 43},
     {"platforms": ["wecom"], "wechatpy": True, "bolt": False}),
    ({}, {}, {"platforms": [], "wechatpy": False, "bolt": False}),
])
def test_serve_loads_only_the_enabled_platforms_libraries(
        table: dict[str, object], env: dict[str, str], expected: dict[str, object],
        tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[3]
    run = subprocess.run(
        [sys.executable, "-c", PROBE, str(EXAMPLE), f"sqlite:///{tmp_path / 'x.db'}",
         json.dumps(table)], capture_output=True, text=True, timeout=120, cwd=root,
        env={**os.environ, **env, "PYTHONPATH": str(root)})
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout.strip().splitlines()[-1]) == expected
