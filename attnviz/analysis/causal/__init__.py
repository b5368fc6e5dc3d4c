"""Which heads the output needs: head ablation, direct logit attribution, activation patching between two texts."""
from attnviz.analysis.causal.ablation import AblationResult, ablate_heads
from attnviz.analysis.causal.dla import DLAResult, direct_logit_attribution
from attnviz.analysis.causal.patching import PatchResult, aligned_pairs, patch_heads, patch_together

__all__ = ["AblationResult", "DLAResult", "PatchResult", "ablate_heads", "aligned_pairs",
           "direct_logit_attribution", "patch_heads", "patch_together"]
