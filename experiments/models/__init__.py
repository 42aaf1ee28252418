from experiments.models.choices import (  # noqa: F401
    ApplicationRound,
    Decision,
    EvidenceRating,
    ExperimentStatus,
    LegalBasis,
)
from experiments.models.importing import PendingImport, VocabularyKind, VocabularyMapping  # noqa: F401
from experiments.models.pages import ExperimentPage, ExperimentTag, PartnerMunicipality, StatusEvent  # noqa: F401
from experiments.models.provisions import ExemptionExtension, ExemptionRequest, Law, Provision  # noqa: F401
from experiments.models.results import Evaluation, Learning, Result  # noqa: F401
from experiments.models.taxonomy import ServiceArea, TargetGroup  # noqa: F401
