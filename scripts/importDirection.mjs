export const importDirectionRules = [];
