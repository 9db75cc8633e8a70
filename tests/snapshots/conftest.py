from tests.api.helpers import anon, api_world, empty_cache  # noqa: F401 - fixtures
from tests.snapshots.helpers import hostile_world, seeded_world, snap_world  # noqa: F401 - fixtures
