"""The preset picker: a drop-down that reports every choice, the current preset's too.

Vuetify's own select reports only a change of value, so choosing the preset already on the page
would do nothing; this one calls ``on_pick`` on every click of an item (the page then restores
that preset's levers and seed). Each item shows a title and a one-line description.
"""

from __future__ import annotations

import ipyvuetify
import traitlets

TEMPLATE = """
<template>
  <v-select :items="items" item-text="text" item-value="value" :value="value" :label="label"
            :disabled="disabled" dense hide-details class="preset-select"
            :menu-props="{ maxHeight: 520, contentClass: 'preset-menu' }">
    <template v-slot:item="{ item, on, attrs }">
      <v-list-item v-bind="attrs" v-on="on" @click="pick(item.value)" two-line
                   :class="'preset-item preset-item-' + item.value">
        <v-list-item-content>
          <v-list-item-title class="preset-title">{{ item.text }}</v-list-item-title>
          <v-list-item-subtitle class="preset-description">{{ item.description }}
          </v-list-item-subtitle>
        </v-list-item-content>
      </v-list-item>
    </template>
  </v-select>
</template>
"""


class PresetPicker(ipyvuetify.VuetifyTemplate):
    """Items are ``{"value": name, "text": title, "description": line}``; ``value`` is shown."""

    template = traitlets.Unicode(TEMPLATE).tag(sync=True)
    items = traitlets.List(traitlets.Dict()).tag(sync=True)
    value = traitlets.Unicode("").tag(sync=True)
    label = traitlets.Unicode("").tag(sync=True)
    disabled = traitlets.Bool(False).tag(sync=True)
    on_pick = traitlets.Callable(None, allow_none=True)

    def vue_pick(self, name: str) -> None:
        """An item was clicked (called from the browser)."""
        if self.on_pick is not None and not self.disabled:
            self.on_pick(str(name))
