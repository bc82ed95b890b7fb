"""Partner systems outside the platform: the guarantor interface's client and a guarantor simulator.

A sibling of ``store``, ``notify`` and ``documents`` (an adapter to the outside), it may import only
``fairbid.crypto`` and ``fairbid.domain``: the import-linter contracts in pyproject.toml enforce it. The
simulator is imported by the tests and the demo only; the services will call the client.
"""

from fairbid.partners.client import GUARANTOR_REPLIES, GuarantorClient, GuarantorRefused

__all__ = ["GUARANTOR_REPLIES", "GuarantorClient", "GuarantorRefused"]
