"""The Datasette canned queries take a `network` parameter (in-process Datasette, root signed in)."""

from __future__ import annotations

from bot.admin_datasette import build_datasette, hash_password
from bot.query_log import QueryLog
from knowledge.scope import Scope


async def test_each_canned_query_gives_one_networks_questions_or_all_without_the_parameter(tmp_path):
    query_log = QueryLog(tmp_path / "logs.db", secret=b"sixteen-byte-secret")
    query_log.record(question="REDTRAM gap?", abstained=True, front_end="telegram", scope=Scope.of(["redtram"]))
    query_log.record(question="WACAP gap?", abstained=True, front_end="telegram", scope=Scope.of(["wacap"]))
    query_log.record(question="Both gap?", abstained=True, front_end="telegram", scope=Scope.of(["redtram", "wacap"]))
    query_log.record(question="Admin gap?", abstained=True, front_end="telegram", scope=Scope.everything())
    query_log.db.close()
    datasette = build_datasette(tmp_path / "logs.db", hash_password("a password"))
    await datasette.invoke_startup()
    root = {"ds_actor": datasette.sign({"a": {"id": "root"}}, "actor")}

    async def rows(query: str, network: str | None = None) -> list[dict]:
        params = {"_shape": "objects", **({"network": network} if network is not None else {})}
        response = await datasette.client.get(f"/logs/{query}.json", params=params, cookies=root)
        assert response.status_code == 200, response.text
        return response.json()["rows"]

    assert {r["question"] for r in await rows("unanswered", "redtram")} == {"REDTRAM gap?", "Both gap?"}
    assert len(await rows("unanswered")) == len(await rows("unanswered", "")) == 4
    assert [r["questions"] for r in await rows("questions_per_day", "wacap")] == [2]
    assert [r["questions"] for r in await rows("questions_per_day")] == [4]
    assert await rows("unanswered", "iap") == []
