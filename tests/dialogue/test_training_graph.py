"""Our config's training and prediction graphs pass Rasa's checks, as ``rasa train`` runs them
before it trains (our components' type hints included); the suite otherwise reuses a model."""

from rasa.engine import validation
from rasa.engine.recipes.recipe import Recipe
from rasa.shared.data import TrainingType
from rasa.shared.importers.importer import TrainingDataImporter

from partnerdesk.core.paths import PROJECT_ROOT


def test_the_configured_graph_is_valid_for_training():
    importer = TrainingDataImporter.load_from_config(
        str(PROJECT_ROOT / "config.yml"),
        str(PROJECT_ROOT / "domain.yml"),
        [str(PROJECT_ROOT / "data")],
    )
    config = importer.get_config()
    recipe = Recipe.recipe_for_name(config.get("recipe"))
    config, _, _ = recipe.auto_configure(
        importer.get_config_file_for_auto_config(), config, TrainingType.BOTH
    )
    configuration = recipe.graph_config_for_recipe(config, {}, training_type=TrainingType.BOTH)
    validation.validate(configuration)  # raises GraphSchemaValidationException
