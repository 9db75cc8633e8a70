"""The read side of a debate, in one place.

- `model`: the read model's dataclasses; `build`: the whole map in a fixed number of queries;
- `cache`: that map once per debate version, shared by every viewer of it;
- `visibility`: the one policy of what a viewer may see, for every output;
- `viewer` and `layout`: one viewer's controls and what one page draws, beside the shared map;
- `live`: what changed since a version; `explain`: why the standings are what they are.
"""
