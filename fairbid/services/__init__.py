"""Use cases: one public function each. They load state, call the domain, write store + ledger, check roles."""

__all__: list[str] = []
