"""unit-converter: a value from one unit to another (no file), with every unit as JSON.

Factors are exact decimals (the inch is 0.0254 m by definition), arithmetic is on
fractions, and the result is rounded once to 12 significant digits: 12 in is exactly
1 ft and 100 °C exactly 212 °F. Temperatures are affine, so they convert through kelvin.
"""

from __future__ import annotations

import json
import math
from collections.abc import Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import Field, model_validator

from processors.base import Category, ProgressCallback, Tool, ToolParams
from processors.errors import InvalidInputError
from processors.formats import kind
from processors.labels import enum_labels, options_by, words
from processors.registry import register

Quantity = Literal["length", "mass", "temperature", "volume", "speed", "area", "data_size"]

# Units per quantity: symbol -> size in the quantity's SI unit (m, kg, m³, m/s, m², byte).
FACTORS: dict[str, dict[str, Fraction]] = {
    "length": {
        "nm": Fraction("1e-9"), "um": Fraction("1e-6"), "mm": Fraction("0.001"),
        "cm": Fraction("0.01"), "m": Fraction(1), "km": Fraction(1000),
        "in": Fraction("0.0254"), "ft": Fraction("0.3048"), "yd": Fraction("0.9144"),
        "mi": Fraction("1609.344"), "nmi": Fraction(1852),
    },
    "mass": {
        "mg": Fraction("1e-6"), "g": Fraction("0.001"), "kg": Fraction(1), "t": Fraction(1000),
        "oz": Fraction("0.028349523125"), "lb": Fraction("0.45359237"),
        "st": Fraction("6.35029318"),
    },
    "volume": {
        "ml": Fraction("1e-6"), "cl": Fraction("1e-5"), "dl": Fraction("1e-4"),
        "l": Fraction("0.001"), "m3": Fraction(1), "cm3": Fraction("1e-6"),
        "in3": Fraction("0.000016387064"), "ft3": Fraction("0.028316846592"),
        "tsp": Fraction("0.00000492892159375"), "tbsp": Fraction("0.00001478676478125"),
        "fl_oz": Fraction("0.0000295735295625"), "cup": Fraction("0.0002365882365"),
        "pt": Fraction("0.000473176473"), "qt": Fraction("0.000946352946"),
        "gal": Fraction("0.003785411784"), "gal_imp": Fraction("0.00454609"),
    },
    "speed": {
        "m/s": Fraction(1), "km/h": Fraction(1000, 3600), "mph": Fraction("0.44704"),
        "kn": Fraction(1852, 3600), "ft/s": Fraction("0.3048"),
    },
    "area": {
        "mm2": Fraction("1e-6"), "cm2": Fraction("1e-4"), "m2": Fraction(1),
        "ha": Fraction(10_000), "km2": Fraction(1_000_000), "in2": Fraction("0.00064516"),
        "ft2": Fraction("0.09290304"), "yd2": Fraction("0.83612736"),
        "acre": Fraction("4046.8564224"), "mi2": Fraction("2589988.110336"),
    },
    "data_size": {
        "bit": Fraction(1, 8), "B": Fraction(1),
        **{p + "B": Fraction(1000**i) for i, p in enumerate("KMGTP", start=1)},
        **{p + "iB": Fraction(1024**i) for i, p in enumerate("KMGTP", start=1)},
    },
}  # fmt: skip
TEMPERATURE_UNITS = ("C", "F", "K", "R")
QUANTITY_NAMES = {"data_size": "Data size"}
# What each symbol is called, for the form's dropdowns and the CLI's help.
UNIT_NAMES = {
    "nm": "nanometres", "um": "micrometres", "mm": "millimetres", "cm": "centimetres",
    "m": "metres", "km": "kilometres", "in": "inches", "ft": "feet", "yd": "yards",
    "mi": "miles", "nmi": "nautical miles",
    "mg": "milligrams", "g": "grams", "kg": "kilograms", "t": "tonnes", "oz": "ounces",
    "lb": "pounds", "st": "stone",
    "C": "degrees Celsius", "F": "degrees Fahrenheit", "K": "kelvin", "R": "degrees Rankine",
    "ml": "millilitres", "cl": "centilitres", "dl": "decilitres", "l": "litres",
    "m3": "cubic metres", "cm3": "cubic centimetres", "in3": "cubic inches",
    "ft3": "cubic feet", "tsp": "US teaspoons", "tbsp": "US tablespoons",
    "fl_oz": "US fluid ounces", "cup": "US cups", "pt": "US pints", "qt": "US quarts",
    "gal": "US gallons", "gal_imp": "imperial gallons",
    "m/s": "metres per second", "km/h": "kilometres per hour", "mph": "miles per hour",
    "kn": "knots", "ft/s": "feet per second",
    "mm2": "square millimetres", "cm2": "square centimetres", "m2": "square metres",
    "ha": "hectares", "km2": "square kilometres", "in2": "square inches",
    "ft2": "square feet", "yd2": "square yards", "acre": "acres", "mi2": "square miles",
    "bit": "bits", "B": "bytes", "KB": "kilobytes", "MB": "megabytes", "GB": "gigabytes",
    "TB": "terabytes", "PB": "petabytes", "KiB": "kibibytes", "MiB": "mebibytes",
    "GiB": "gibibytes", "TiB": "tebibytes", "PiB": "pebibytes",
}  # fmt: skip
_ABSOLUTE_ZERO_C = Fraction("273.15")


def units_of(quantity: str) -> tuple[str, ...]:
    return TEMPERATURE_UNITS if quantity == "temperature" else tuple(FACTORS[quantity])


QUANTITIES: tuple[str, ...] = get_args(Quantity)


def _label(unit: str) -> str:
    return f"°{unit}" if unit in ("C", "F", "R") else unit


def _unit_field(default: str, title: str, description: str) -> Any:
    """A unit: a symbol of the chosen quantity (the choices follow `quantity`)."""
    return Field(
        default=default,
        max_length=10,
        title=title,
        description=description,
        json_schema_extra={
            **options_by("quantity", {q: list(units_of(q)) for q in QUANTITIES}),
            **enum_labels(
                {u: f"{n[:1].upper()}{n[1:]} ({_label(u)})" for u, n in UNIT_NAMES.items()}
            ),
        },
    )


class UnitConverterParams(ToolParams):
    quantity: Quantity = Field(
        default="length",
        title="Quantity",
        description="What is measured; it decides which units you can pick.",
        json_schema_extra=enum_labels(QUANTITY_NAMES),
    )
    value: float = Field(
        default=1, ge=-1e15, le=1e15, title="Value", description="The number to convert."
    )
    from_unit: str = _unit_field("m", "From unit", "The unit of the value.")
    to_unit: str = _unit_field("ft", "To unit", "The unit to convert to.")

    @model_validator(mode="after")
    def _units_fit_the_quantity(self) -> UnitConverterParams:
        known = units_of(self.quantity)
        for unit in (self.from_unit, self.to_unit):
            if _canonical(unit, known) is None:
                raise ValueError(
                    f'"{unit}" is not a unit of {words(self.quantity).lower()}: '
                    f"use one of {', '.join(known)}"
                )
        return self


@register
class UnitConverter(Tool[UnitConverterParams]):
    name = "unit-converter"
    display_name = "Unit converter"
    description = (
        "Convert length, mass, temperature, volume, speed, area and data sizes between units."
    )
    category = Category.DATA
    icon = "rulers"
    input_kinds = ()
    output_kinds = (kind("json"),)
    min_files = 0
    max_files = 0
    max_file_size = 0
    timeout_seconds = 10
    sync = True
    Params = UnitConverterParams

    def run(
        self,
        inputs: Sequence[Path],
        output_dir: Path,
        params: UnitConverterParams,
        progress: ProgressCallback,
    ) -> Path:
        known = units_of(params.quantity)
        source = _canonical(params.from_unit, known)
        target = _canonical(params.to_unit, known)
        if source is None or target is None or not math.isfinite(params.value):
            raise InvalidInputError("Choose a finite value and units of the chosen quantity.")
        value = Fraction(repr(params.value))  # the decimal the person typed, not binary noise
        if params.quantity == "temperature" and _to_kelvin(value, source) < 0:
            raise InvalidInputError(f"{params.value:g} °{source} is below absolute zero.")
        every = {unit: _number(convert(params.quantity, value, source, unit)) for unit in known}
        result = every[target]
        report: dict[str, Any] = {
            "quantity": params.quantity,
            "value": params.value,
            "fromUnit": source,
            "toUnit": target,
            "result": result,
            "text": f"{params.value:g} {_label(source)} = {result:.12g} {_label(target)}",
            "all": every,
        }
        output = output_dir / "conversion.json"
        output.write_text(json.dumps(report, indent=2, ensure_ascii=False), encoding="utf-8")
        progress(100, "Done")
        return output


def convert(quantity: str, value: Fraction, source: str, target: str) -> Fraction:
    """`value` in `source` units expressed in `target` units, exactly."""
    if quantity == "temperature":
        return _from_kelvin(_to_kelvin(value, source), target)
    factors = FACTORS[quantity]
    return value * factors[source] / factors[target]


def _to_kelvin(value: Fraction, unit: str) -> Fraction:
    if unit == "C":
        return value + _ABSOLUTE_ZERO_C
    if unit == "F":
        return (value - 32) * Fraction(5, 9) + _ABSOLUTE_ZERO_C
    if unit == "R":
        return value * Fraction(5, 9)
    return value


def _from_kelvin(kelvin: Fraction, unit: str) -> Fraction:
    if unit == "C":
        return kelvin - _ABSOLUTE_ZERO_C
    if unit == "F":
        return (kelvin - _ABSOLUTE_ZERO_C) * Fraction(9, 5) + 32
    if unit == "R":
        return kelvin * Fraction(9, 5)
    return kelvin


def _canonical(unit: str, known: Sequence[str]) -> str | None:
    """The known symbol `unit` names: exact first, then ignoring case and a degree sign."""
    if unit in known:
        return unit
    cleaned = unit.strip().removeprefix("°").replace("³", "3").replace("²", "2").lower()
    matches = [k for k in known if k.lower() == cleaned]
    return matches[0] if len(matches) == 1 else None


def _number(value: Fraction) -> float:
    return float(f"{float(value):.12g}")
