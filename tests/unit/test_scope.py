import pytest

from knowledge.scope import Scope, check_network_id


def test_public_material_is_seen_by_everyone():
    assert Scope.public().sees([])
    assert Scope.of(["redtram"]).sees(())


def test_restricted_material_only_within_its_networks():
    assert Scope.of(["redtram"]).sees(["redtram", "wacap"])
    assert not Scope.of(["wacap"]).sees(["redtram"])
    assert not Scope.public().sees(["redtram"])
    assert Scope.everything().sees(["redtram"])


def test_network_ids_are_checked_and_normalised():
    assert check_network_id(" REDTRAM ") == "redtram"
    with pytest.raises(ValueError, match="network id"):
        check_network_id("red tram")
