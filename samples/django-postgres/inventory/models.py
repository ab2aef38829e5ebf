from django.db import models


class Product(models.Model):
    name = models.CharField(max_length=200)
    price = models.DecimalField(max_digits=10, decimal_places=2)
    sku = models.CharField(max_length=32, null=True, unique=True)
    active = models.BooleanField(default=True)


class StockLevel(models.Model):
    product = models.ForeignKey(Product, on_delete=models.CASCADE)
    warehouse = models.CharField(max_length=40)
    quantity = models.IntegerField(default=0)

    class Meta:
        indexes = [models.Index(fields=["warehouse", "product"], name="stock_by_warehouse")]
