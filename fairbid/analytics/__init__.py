"""Cross-tender collusion analytics (围标串标预警): screens, classifiers, red flags, networks, leads.

Everything here produces clues for human review, never proof (发改法规〔2026〕195号 (十一)).
"""

from fairbid.analytics.dataset import BidDataset, DatasetProblem, load_bid_list, load_dataset
from fairbid.analytics.evaluation import (
    BidLevelScores,
    Evaluation,
    TenderLevelScores,
    evaluate,
    evaluate_bid_level,
    evaluate_tender_level,
)
from fairbid.analytics.lead import Lead, LeadSignal, build_leads, leads_report, render_leads_html
from fairbid.analytics.network import NetworkFinding, analyse_network
from fairbid.analytics.record import BidRecord, TenderRecord
from fairbid.analytics.redflag import INDICATORS, RedFlag, fences, red_flags
from fairbid.analytics.risk import DEFAULT_MODEL_PATH, TenderRisk, TenderRiskModel, default_data_dir, train_tender_risk
from fairbid.analytics.screen import SCREEN_NAMES, compute_screens, screen_rows
from fairbid.analytics.segment import segment_chinese

__all__ = [
    "DEFAULT_MODEL_PATH",
    "INDICATORS",
    "SCREEN_NAMES",
    "BidDataset",
    "BidLevelScores",
    "BidRecord",
    "DatasetProblem",
    "Evaluation",
    "Lead",
    "LeadSignal",
    "NetworkFinding",
    "RedFlag",
    "TenderLevelScores",
    "TenderRecord",
    "TenderRisk",
    "TenderRiskModel",
    "analyse_network",
    "build_leads",
    "compute_screens",
    "default_data_dir",
    "evaluate",
    "evaluate_bid_level",
    "evaluate_tender_level",
    "fences",
    "leads_report",
    "load_bid_list",
    "load_dataset",
    "red_flags",
    "render_leads_html",
    "screen_rows",
    "segment_chinese",
    "train_tender_risk",
]
