"""Net content moves from the product to each variant, with its unit (g, ml or
pieces): a 330 ml and a 750 ml bottle of the same beer pay different taxes."""

from django.core.validators import MinValueValidator
from django.db import migrations, models

# Tax classes whose products are drinks: their net content was kept as grams
# counting millilitres (1 ml as 1 g); say so now.
DRINKS = ("beer", "wine")


def copy_net_content(apps, schema_editor):
    Variant = apps.get_model("catalog", "Variant")
    for variant in Variant.objects.select_related("product").iterator():
        product = variant.product
        variant.net_content = product.net_weight_grams
        variant.net_unit = "ml" if product.tax_class in DRINKS else "g"
        variant.save(update_fields=["net_content", "net_unit"])


def copy_back(apps, schema_editor):
    Product = apps.get_model("catalog", "Product")
    for product in Product.objects.prefetch_related("variants").iterator():
        first = next(iter(product.variants.all()), None)
        product.net_weight_grams = first.net_content if first else 1
        product.save(update_fields=["net_weight_grams"])


class Migration(migrations.Migration):
    dependencies = [("catalog", "0005_product_price_from_weight_grams")]

    operations = [
        migrations.AddField(
            model_name="variant",
            name="net_content",
            field=models.PositiveIntegerField(
                null=True, validators=[MinValueValidator(1)], verbose_name="net content"
            ),
        ),
        migrations.AddField(
            model_name="variant",
            name="net_unit",
            field=models.CharField(
                default="g",
                max_length=8,
                choices=[("g", "g (net weight)"), ("ml", "ml (volume)"),
                         ("piece", "pieces")],
                verbose_name="net content unit",
            ),
        ),
        migrations.AlterField(
            model_name="product",
            name="net_weight_grams",
            field=models.PositiveIntegerField(default=1, verbose_name="net weight (g)"),
        ),
        migrations.RunPython(copy_net_content, copy_back),
        migrations.AlterField(
            model_name="variant",
            name="net_content",
            field=models.PositiveIntegerField(
                validators=[MinValueValidator(1)], verbose_name="net content"
            ),
        ),
        migrations.AlterField(
            model_name="variant",
            name="net_unit",
            field=models.CharField(
                max_length=8,
                choices=[("g", "g (net weight)"), ("ml", "ml (volume)"),
                         ("piece", "pieces")],
                verbose_name="net content unit",
            ),
        ),
        migrations.RemoveField(model_name="product", name="net_weight_grams"),
        migrations.AddField(
            model_name="product",
            name="price_from_net_content",
            field=models.PositiveIntegerField(default=0, editable=False),
        ),
        migrations.AddField(
            model_name="product",
            name="price_from_net_unit",
            field=models.CharField(
                choices=[("g", "g (net weight)"), ("ml", "ml (volume)"),
                         ("piece", "pieces")],
                default="g", editable=False, max_length=8,
            ),
        ),
    ]
