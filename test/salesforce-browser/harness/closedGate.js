// A feature gate that stays closed. lightning-combobox fails under synthetic shadow when
// bc.260.enableComboboxElementInternals is open, so the harness maps that gate here.
export default { isOpen: () => false };
