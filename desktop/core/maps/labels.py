"""Names for clusters: c-TF-IDF keywords for documents, CLIP's nearest words for photos.

c-TF-IDF (as in BERTopic) treats each cluster as one long document and scores a word by how
much more often the cluster uses it than the collection does, so "asyncio" names the asyncio
cluster while "python", used everywhere, names none.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from desktop.core.common.vector_codec import normalise

WORDS_PER_LABEL = 3


def _words(text: str) -> list[str]:
    return text.split()


# Markup that survives text extraction of .rst/.md/.html sources (role names, directive names,
# entities) would otherwise name clusters of technical documents.
MARKUP_WORDS = frozenset(
    _words(
        """rst txt func meth attr const exc ref doc mod data envvar term samp kbd file abbr pep rfc seealso
        versionadded versionchanged deprecated note warning toctree maxdepth literalinclude
        highlight sourcecode code block doctest testcode testoutput index sectionauthor
        moduleauthor currentmodule autosummary automodule autoclass autofunction nbsp amp quot
        http https www html org com png jpg svg param params returns rtype type todo fixme"""
    )
)

# What a personal photo collection is usually of; CLIP picks the closest words to a cluster.
PHOTO_VOCABULARY = tuple(
    _words(
        """people portrait child baby family friends wedding party birthday crowd selfie
        dog cat bird horse cow sheep fish insect butterfly animal pet zoo
        beach sea ocean lake river waterfall mountain hill forest tree flower garden field desert snow
        ice sunset sunrise sky clouds night stars moon rain fog
        city street building house church castle bridge road car bus train bicycle boat airplane
        kitchen food meal dessert cake fruit vegetables coffee drink restaurant
        office desk computer screen document text receipt book paper map sign
        toy game sport football ball stadium concert music guitar art painting drawing cartoon
        clothes shoes hat costume tool machine vehicle furniture room bed sofa
        christmas holiday travel museum statue monument fireworks flag medical science space rocket"""
    )
)


def keyword_labels(texts: Sequence[str], clusters: np.ndarray, words: int = WORDS_PER_LABEL) -> dict[int, str]:
    """cluster id -> "word · word · word" for every cluster id >= 0."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, CountVectorizer

    ids = sorted(int(c) for c in set(clusters.tolist()))
    if not [c for c in ids if c >= 0]:
        return {}
    # One document per cluster, noise included: it is part of what "the collection" uses.
    joined = [" ".join(texts[i] for i in np.flatnonzero(clusters == c)) for c in ids]
    vectorizer = CountVectorizer(
        stop_words=list(ENGLISH_STOP_WORDS | MARKUP_WORDS),
        token_pattern=r"(?u)\b[^\W\d_][^\W\d_]{2,}\b",  # words of 3+ letters: no numbers or ids
        lowercase=True,
        max_features=50_000,
        # A word in most clusters ("python" in Python's docs) names none of them.
        max_df=0.6 if len(ids) >= 4 else 1.0,
    )
    try:
        counts = vectorizer.fit_transform(joined)
    except ValueError:  # nothing but stop words and numbers
        return {}
    vocabulary = vectorizer.get_feature_names_out()
    scores = _c_tf_idf(counts)
    labels = {}
    for row, cluster_id in enumerate(ids):
        if cluster_id < 0:
            continue
        chosen = _top_words(np.asarray(scores[row].toarray()).ravel(), vocabulary, words)
        if chosen:
            labels[cluster_id] = " · ".join(chosen)
    return labels


def _c_tf_idf(counts: Any) -> Any:
    """tf (word share within a cluster) x log(1 + average cluster size / word frequency overall)."""
    import scipy.sparse as sp

    counts = sp.csr_matrix(counts, dtype=np.float64)
    sizes = np.asarray(counts.sum(axis=1)).ravel()
    tf = sp.diags(1.0 / np.maximum(sizes, 1)) @ counts
    frequency = np.asarray(counts.sum(axis=0)).ravel()
    idf = np.log(1 + sizes.mean() / np.maximum(frequency, 1))
    return sp.csr_matrix(tf @ sp.diags(idf))


def _top_words(scores: np.ndarray, vocabulary: np.ndarray, words: int) -> list[str]:
    chosen: list[str] = []
    for index in np.argsort(-scores)[: words * 4]:
        if scores[index] <= 0:
            break
        word = str(vocabulary[index])
        # "queue" and "queues" would waste a slot of a three-word label.
        if any(word[:5] == other[:5] for other in chosen):
            continue
        chosen.append(word)
        if len(chosen) == words:
            break
    return chosen


def photo_labels(
    vectors: np.ndarray, clusters: np.ndarray, encode_texts: Any, vocabulary: Sequence[str] = PHOTO_VOCABULARY
) -> dict[int, str]:
    """cluster id -> the two vocabulary words whose CLIP text vectors are closest to the cluster's
    mean image vector. `encode_texts` is the CLIP encoder's batch text encoder."""
    ids = sorted(int(c) for c in set(clusters.tolist()) if c >= 0)
    if not ids:
        return {}
    words = normalise(np.asarray(encode_texts([f"a photo of {w}" for w in vocabulary]), dtype=np.float32))
    labels = {}
    for cluster_id in ids:
        centre = normalise(vectors[clusters == cluster_id].mean(axis=0))
        best = np.argsort(-(words @ centre))[:2]
        labels[cluster_id] = " · ".join(vocabulary[i] for i in best)
    return labels
